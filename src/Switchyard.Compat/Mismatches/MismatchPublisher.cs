using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Compat.Publishing;

namespace Switchyard.Compat.Mismatches;

/// <summary>Writes the <see cref="MismatchRecorder"/>'s figures to <c>switchyard.compat_mismatches</c> periodically and on dispose.</summary>
public sealed partial class MismatchPublisher : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly MismatchRecorder _recorder;
    private readonly MismatchPublisherOptions _options;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _startedAt;
    private PeriodicPublishLoop? _loop;

    private MismatchPublisher(NpgsqlDataSource dataSource, MismatchRecorder recorder, MismatchPublisherOptions options, ILogger logger)
    {
        _dataSource = dataSource;
        _recorder = recorder;
        _options = options;
        _logger = logger;
        _startedAt = options.TimeProvider.GetUtcNow();
    }

    public string InstanceId => _options.InstanceId;

    /// <summary>Creates the table when missing and starts publishing every <see cref="MismatchPublisherOptions.Interval"/>.</summary>
    public static async Task<MismatchPublisher> StartAsync(NpgsqlDataSource dataSource, MismatchRecorder recorder, MismatchPublisherOptions? options = null, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(recorder);
        options ??= new MismatchPublisherOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Interval, TimeSpan.Zero);
        await CompatMismatchesTable.EnsureAsync(dataSource, ct).ConfigureAwait(false);
        var publisher = new MismatchPublisher(dataSource, recorder, options, logger ?? NullLogger.Instance);
        publisher._loop = new PeriodicPublishLoop(options.Interval, options.TimeProvider, publisher.PublishAsync, e => PublishFailed(publisher._logger, e));
        return publisher;
    }

    /// <summary>Writes every flag's current figures now; returns the rows written.</summary>
    public async Task<int> PublishAsync(CancellationToken ct = default)
    {
        var snapshots = _recorder.SnapshotAll();
        if (snapshots.Count == 0) return 0;
        var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await using (var timeouts = new NpgsqlCommand("SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s'", connection, tx))
                    await timeouts.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                var batch = new NpgsqlBatch(connection, tx);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var s in snapshots)
                    {
                        var cmd = new NpgsqlBatchCommand(CompatMismatchesTable.UpsertSql);
                        cmd.Parameters.AddWithValue(s.FlagKey);
                        cmd.Parameters.AddWithValue(_options.InstanceId);
                        cmd.Parameters.AddWithValue(s.Reads);
                        cmd.Parameters.AddWithValue(s.Mismatches);
                        cmd.Parameters.AddWithValue(s.Errors);
                        cmd.Parameters.AddWithValue(s.SampleKeys.ToArray());
                        cmd.Parameters.AddWithValue(_startedAt);
                        batch.BatchCommands.Add(cmd);
                    }
                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
        return snapshots.Count;
    }

    /// <summary>Stops the loop and publishes a last time, so the guards see this instance's final figures.</summary>
    public ValueTask DisposeAsync() => _loop?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Publishing shadow-read mismatches failed; will retry next interval")]
    private static partial void PublishFailed(ILogger logger, Exception exception);
}
