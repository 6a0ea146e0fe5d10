namespace Switchyard.Samples.Ledger.Seeding;

/// <summary>How big and how dirty a seeded ledger is.</summary>
public sealed record SeedOptions
{
    /// <summary>Transactions to load.</summary>
    /// <value>The default is 100,000.</value>
    public long Rows { get; init; } = 100_000;

    /// <summary>Accounts; null means one per 200 transactions (at least 100).</summary>
    public long? Accounts { get; init; }

    /// <summary>Merchants.</summary>
    /// <value>The default is 2,000.</value>
    public int Merchants { get; init; } = 2_000;

    /// <summary>Share of rows whose status has stray case or whitespace (e.g. <c>" Settled"</c>).</summary>
    /// <value>The default is 0.005.</value>
    public double DirtyShare { get; init; } = 0.005;

    /// <summary>Share of rows carrying a known typo (e.g. <c>setled</c>) that the flagship spec maps.</summary>
    /// <value>The default is 0.0005.</value>
    public double TypoShare { get; init; } = 0.0005;

    /// <summary>Codes nobody can map (for testing the unmapped-value policies); none by default.</summary>
    public IReadOnlyList<string> UnknownCodes { get; init; } = [];

    /// <summary>Share of rows with one of <see cref="UnknownCodes"/>.</summary>
    /// <value>The default is 0.0001.</value>
    public double UnknownShare { get; init; } = 0.0001;

    /// <summary>How far back created_at spreads.</summary>
    /// <value>The default is 180 days.</value>
    public int Days { get; init; } = 180;

    /// <summary>Parallel COPY streams.</summary>
    /// <value>The default is the core count, at most 4.</value>
    public int Streams { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Random seed, so two seeds with the same options are identical.</summary>
    /// <value>The default is 42.</value>
    public int Seed { get; init; } = 42;

    /// <summary>The newest created_at.</summary>
    public DateTimeOffset Now { get; init; } = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Range-partition transactions by created_at, monthly (see <see cref="Schema.PartitionedLedgerSchema"/>).</summary>
    public bool Partitioned { get; init; }

    public long EffectiveAccounts => Accounts ?? Math.Max(100, Rows / 200);

    public void Validate()
    {
        if (Rows < 0)
            throw new Core.SwitchyardException($"--rows must be zero or more, got {Rows}.", "Pass a row count such as --rows 100000.");
        if (Merchants < 1) throw new Core.SwitchyardException($"--merchants must be at least 1, got {Merchants}.");
        if (DirtyShare is < 0 or > 1 || TypoShare is < 0 or > 1 || UnknownShare is < 0 or > 1)
            throw new Core.SwitchyardException("Shares of dirty, typo and unknown values must be between 0 and 1.");
        if (Days < 1) throw new Core.SwitchyardException($"--days must be at least 1, got {Days}.");
    }
}
