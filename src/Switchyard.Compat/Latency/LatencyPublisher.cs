using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Compat.Publishing;

namespace Switchyard.Compat.Latency;

/// <summary>Writes the <see cref="LatencyFeed"/>'s interval to <c>switchyard.compat_latency</c> every interval and on dispose.</summary>
public sealed partial class LatencyPublisher : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly LatencyFeed _feed;
    private readonly LatencyPublisherOptions _options;
    private readonly ILogger _logger;
    private PeriodicPublishLoop? _loop;
    private int _publishes;

    private LatencyPublisher(NpgsqlDataSource dataSource, LatencyFeed feed, LatencyPublisherOptions options, ILogger logger)
    {
        _dataSource = dataSource;
        _feed = feed;
        _options = options;
        _logger = logger;
    }

    public string InstanceId => _options.InstanceId;

    /// <summary>Creates the table when missing and starts publishing every <see cref="LatencyPublisherOptions.Interval"/>.</summary>
    public static async Task<LatencyPublisher> StartAsync(NpgsqlDataSource dataSource, LatencyFeed feed, LatencyPublisherOptions? options = null, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(feed);
        options ??= new LatencyPublisherOptions();
        options.Validate();
        await CompatLatencyTable.EnsureAsync(dataSource, ct).ConfigureAwait(false);
        var publisher = new LatencyPublisher(dataSource, feed, options, logger ?? NullLogger.Instance);
        publisher._loop = new PeriodicPublishLoop(options.Interval, options.TimeProvider, publisher.PublishAsync, e => PublishFailed(publisher._logger, e));
        return publisher;
    }

    /// <summary>Writes the interval's latencies now (nothing when no operation ran); returns the operations written.</summary>
    public async Task<long> PublishAsync(CancellationToken ct = default)
    {
        var (operations, samples) = _feed.Drain();
        var prune = ++_publishes % _options.PruneEvery == 0;
        if (operations == 0 && !prune) return 0;
        var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, tx);
                await using (batch.ConfigureAwait(false))
                {
                    AddStatements(batch, operations, samples, prune);
                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
        return operations;
    }

    private void AddStatements(NpgsqlBatch batch, long operations, int[] samples, bool prune)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL lock_timeout = '2s'"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL statement_timeout = '5s'"));
        if (operations > 0)
        {
            var insert = new NpgsqlBatchCommand(CompatLatencyTable.InsertSql);
            insert.Parameters.AddWithValue(_options.InstanceId);
            insert.Parameters.AddWithValue(operations);
            insert.Parameters.AddWithValue(samples);
            batch.BatchCommands.Add(insert);
        }
        if (!prune) return;
        var delete = new NpgsqlBatchCommand(CompatLatencyTable.PruneSql);
        delete.Parameters.AddWithValue(_options.Retention.TotalSeconds);
        batch.BatchCommands.Add(delete);
    }

    /// <summary>Stops the loop and publishes the last interval.</summary>
    public ValueTask DisposeAsync() => _loop?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Publishing application latency failed; will retry next interval")]
    private static partial void PublishFailed(ILogger logger, Exception exception);
}
