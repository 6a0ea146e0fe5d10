using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Dual-read mismatches and shadow-read errors per read, per flag, summed over the app instances that published within
/// the window, as the compat library publishes them in <c>switchyard.compat_mismatches</c> (cumulative per instance).
/// An error spike counts like a mismatch: either means the new read path cannot be trusted. No such table means no application reads through the library yet: not configured, not a failure.
/// </summary>
public sealed class MismatchRateSignal : IGuardSignal
{
    private const string Sql = """
        SELECT flag_key, sum(reads)::float8, sum(mismatches)::float8, sum(errors)::float8, count(*)
        FROM switchyard.compat_mismatches
        WHERE updated_at > now() - make_interval(secs => $1)
        GROUP BY flag_key
        ORDER BY flag_key
        """;

    private readonly SafeSqlRunner _primary;
    private readonly long _minReads;
    private readonly TimeSpan _window;

    public MismatchRateSignal(SafeSqlRunner primary, long minReads, TimeSpan? window = null)
    {
        _primary = primary;
        _minReads = minReads;
        _window = window ?? TimeSpan.FromMinutes(5);
    }

    public string Name => "dual-read mismatches";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.MismatchRate, SignalUnits.Fraction)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var exists = await _primary.ScalarAsync<bool>("SELECT to_regclass('switchyard.compat_mismatches') IS NOT NULL", ct).ConfigureAwait(false);
        if (!exists)
            return [SignalReading.NotConfigured(SignalNames.MismatchRate, "", SignalUnits.Fraction, "no switchyard.compat_mismatches table: no app reads through Switchyard.Compat")];
        var rows = await _primary.QueryAsync(Sql,
            r => (Flag: r.GetString(0), Reads: r.GetDouble(1), Mismatches: r.GetDouble(2), Errors: r.GetDouble(3), Instances: r.GetInt64(4)),
            ct, _window.TotalSeconds).ConfigureAwait(false);
        if (rows.Count == 0)
            return [new SignalReading(SignalNames.MismatchRate, "", 0, SignalUnits.Fraction, "no instance published dual-read figures within the window")];
        return [.. rows.Select(r =>
        {
            var enough = r.Reads >= _minReads;
            var detail = string.Create(CultureInfo.InvariantCulture, $"{r.Mismatches:0} mismatches and {r.Errors:0} errors in {r.Reads:0} reads from {r.Instances} instance(s)")
                + (enough ? "" : $" (fewer than {_minReads} reads: not acted on)");
            return new SignalReading(SignalNames.MismatchRate, r.Flag, enough ? (r.Mismatches + r.Errors) / r.Reads : 0, SignalUnits.Fraction, detail);
        })];
    }
}
