using Switchyard.Core;
using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Samples.Ledger.Cli.Proof;

/// <summary>How big and how busy the proof's ledger is, and where it runs.</summary>
internal sealed record ProofOptions
{
    /// <summary>The server (any database on it): the proof's database is dropped and recreated there for each operation.</summary>
    public required ConnectionSettings Server { get; init; }

    /// <summary>Where pg_dump is.</summary>
    public required PostgresBinaries Binaries { get; init; }

    /// <summary>Path of switchyard.dll, run as a child process for every apply and rollback.</summary>
    public required string MigratorPath { get; init; }

    public required IReadOnlyList<ProvedOperation> Operations { get; init; }

    /// <value>The default is "ledger_prove".</value>
    public string Database { get; init; } = "ledger_prove";

    /// <value>The default is 200,000.</value>
    public long Rows { get; init; } = 200_000;

    /// <value>The default is 50.</value>
    public double OperationsPerSecond { get; init; } = 50;

    /// <summary>How long traffic runs in each phase before the dump and the rollback.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan PhaseTime { get; init; } = TimeSpan.FromSeconds(2);

    public void Validate()
    {
        if (Rows < 1000) throw new SwitchyardException($"--rows must be at least 1,000, got {Rows}.", "Pass --rows 200000 (the default) or another size.");
        if (Operations.Count == 0) throw new SwitchyardException("No operation to prove.", "Pass --operation all, or one of " + string.Join(", ", ProvedOperation.Names) + ".");
        if (!File.Exists(MigratorPath)) throw new SwitchyardException($"The switchyard program was not found at {MigratorPath}.", "Build it: dotnet build src/Switchyard.Cli -c Release.");
    }
}
