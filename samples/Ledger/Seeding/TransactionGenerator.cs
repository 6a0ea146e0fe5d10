using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Seeding;

/// <summary>Deterministic synthetic transactions: realistic status mix, amounts, currencies and legacy dirt.</summary>
internal sealed class TransactionGenerator
{
    private static readonly string[] Currencies = ["EUR", "EUR", "EUR", "USD", "USD", "GBP"];
    private readonly SeedOptions _options;
    private readonly Random _random;
    private readonly double[] _cumulative;

    public TransactionGenerator(SeedOptions options, int stream)
    {
        _options = options;
        _random = new Random(options.Seed * 7919 + stream);
        var sum = 0.0;
        _cumulative = [.. LedgerStatuses.Mix.Select(m => sum += m.Share)];
    }

    public long AccountId() => 1 + (long)(_random.NextDouble() * _options.EffectiveAccounts);

    public long MerchantId() => 1 + _random.Next(_options.Merchants);

    /// <summary>Mostly small card payments with a long tail, in minor units.</summary>
    public long AmountMinor() => Math.Max(50, (long)Math.Exp(6.5 + _random.NextDouble() * 5.5));

    public string Currency() => Currencies[_random.Next(Currencies.Length)];

    public string AuthCode() => _random.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public DateTimeOffset CreatedAt(long id, long rows)
    {
        // Ids grow with time, as an identity column does; a little jitter inside the slot.
        var span = TimeSpan.FromDays(_options.Days).Ticks;
        var position = rows <= 1 ? 1.0 : (double)(id - 1) / (rows - 1);
        var ticks = (long)(position * span) - span + (long)(_random.NextDouble() * TimeSpan.TicksPerMinute);
        return _options.Now.AddTicks(Math.Min(0, ticks));
    }

    public string Status()
    {
        var roll = _random.NextDouble();
        if (_options.UnknownCodes.Count > 0 && roll < _options.UnknownShare)
            return _options.UnknownCodes[_random.Next(_options.UnknownCodes.Count)];
        if (roll < _options.UnknownShare + _options.TypoShare)
            return LedgerStatuses.KnownTypos.Keys.ElementAt(_random.Next(LedgerStatuses.KnownTypos.Count));

        var pick = _random.NextDouble();
        var index = Array.FindIndex(_cumulative, c => pick < c);
        var code = LedgerStatuses.Mix[index < 0 ? 0 : index].Code;
        if (_random.NextDouble() >= _options.DirtyShare) return code;
        return _random.Next(4) switch
        {
            0 => code.ToUpperInvariant(),
            1 => " " + code,
            2 => code + "  ",
            _ => char.ToUpperInvariant(code[0]) + code[1..],
        };
    }
}
