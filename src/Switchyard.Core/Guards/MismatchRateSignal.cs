using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Dual-read mismatches per read, per flag, as the compat library publishes them in <c>switchyard.compat_mismatches</c>.
/// No such table means no application reads through the library yet: not configured, not a failure.
/// </summary>
public sealed class MismatchRateSignal : IGuardSignal
{
    private const string Sql = """
        SELECT flag_key, sum(reads)::float8, sum(mismatches)::float8
        FROM switchyard.compat_mismatches
        GROUP BY flag_key
        ORDER BY flag_key
        """;

    private readonly SafeSqlRunner _primary;
    private readonly long _minReads;

    public MismatchRateSignal(SafeSqlRunner primary, long minReads)
    {
        _primary = primary;
        _minReads = minReads;
    }

    public string Name => "dual-read mismatches";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.MismatchRate, SignalUnits.Fraction)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var exists = await _primary.ScalarAsync<bool>("SELECT to_regclass('switchyard.compat_mismatches') IS NOT NULL", ct).ConfigureAwait(false);
        if (!exists)
            return [SignalReading.NotConfigured(SignalNames.MismatchRate, "", SignalUnits.Fraction, "no switchyard.compat_mismatches table: no app reads through Switchyard.Compat")];
        var rows = await _primary.QueryAsync(Sql, r => (Flag: r.GetString(0), Reads: r.GetDouble(1), Mismatches: r.GetDouble(2)), ct).ConfigureAwait(false);
        return [.. rows.Select(r =>
        {
            var enough = r.Reads >= _minReads;
            var detail = string.Create(CultureInfo.InvariantCulture, $"{r.Mismatches:0} mismatches in {r.Reads:0} reads") + (enough ? "" : $" (fewer than {_minReads} reads: not acted on)");
            return new SignalReading(SignalNames.MismatchRate, r.Flag, enough ? r.Mismatches / r.Reads : 0, SignalUnits.Fraction, detail);
        })];
    }
}
