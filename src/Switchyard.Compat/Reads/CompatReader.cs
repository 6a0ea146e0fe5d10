using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Mismatches;

namespace Switchyard.Compat.Reads;

/// <summary>
/// Runs reads per the flags: legacy, new (sticky per routing key at N%), or shadow — read both, compare, return
/// legacy, and count the comparison (with the key on a mismatch) in the <see cref="MismatchRecorder"/>.
/// </summary>
public sealed partial class CompatReader
{
    private readonly ICompatFlags _flags;
    private readonly MismatchRecorder _mismatches;
    private readonly ILogger _logger;

    public CompatReader(ICompatFlags flags, MismatchRecorder mismatches, ILogger? logger = null)
    {
        _flags = flags ?? throw new ArgumentNullException(nameof(flags));
        _mismatches = mismatches ?? throw new ArgumentNullException(nameof(mismatches));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The path a read of <paramref name="routingKey"/> takes under the current flag.</summary>
    public ReadPath Route(string flagKey, string routingKey) => ReadRouting.Route(_flags.Current(flagKey), routingKey);

    public async Task<T> ReadAsync<T>(string flagKey, string routingKey, CompatRead<T> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        switch (Route(flagKey, routingKey))
        {
            case ReadPath.New:
                return await read.New(ct).ConfigureAwait(false);
            case ReadPath.Shadow:
                return await ShadowAsync(flagKey, routingKey, read, ct).ConfigureAwait(false);
            default:
                return await read.Legacy(ct).ConfigureAwait(false);
        }
    }

    private async Task<T> ShadowAsync<T>(string flagKey, string routingKey, CompatRead<T> read, CancellationToken ct)
    {
        var comparer = read.Comparer ?? EqualityComparer<T>.Default;
        if (read.Both is not null)
        {
            (T Legacy, T New) both;
            try
            {
                both = await read.Both(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The shadow side must never fail the caller: count it, then serve legacy on its own.
                _mismatches.RecordError(flagKey, routingKey);
                ShadowFailed(_logger, e, flagKey, routingKey);
                return await read.Legacy(ct).ConfigureAwait(false);
            }
            Compare(flagKey, routingKey, comparer.Equals(both.Legacy, both.New));
            return both.Legacy;
        }

        var legacy = await read.Legacy(ct).ConfigureAwait(false);
        try
        {
            var candidate = await read.New(ct).ConfigureAwait(false);
            Compare(flagKey, routingKey, comparer.Equals(legacy, candidate));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _mismatches.RecordError(flagKey, routingKey);
            ShadowFailed(_logger, e, flagKey, routingKey);
        }
        return legacy;
    }

    private void Compare(string flagKey, string routingKey, bool equal)
    {
        _mismatches.Record(flagKey, routingKey, equal);
        if (!equal) ShadowMismatch(_logger, flagKey, routingKey);
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Shadow read mismatch on {FlagKey} for key {RoutingKey}")]
    private static partial void ShadowMismatch(ILogger logger, string flagKey, string routingKey);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Shadow read of the new shape failed on {FlagKey} for key {RoutingKey}")]
    private static partial void ShadowFailed(ILogger logger, Exception exception, string flagKey, string routingKey);
}
