using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Switchyard.Compat.Latency;

/// <summary>Writes the <see cref="LatencyFeed"/>'s interval to <c>switchyard.compat_latency</c> every interval and on dispose.</summary>
public sealed partial class LatencyPublisher : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly LatencyFeed _feed;
    private readonly LatencyPublisherOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _publishes;
    private int _disposed;

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
        publisher._loop = Task.Run(() => publisher.LoopAsync(publisher._stop.Token), CancellationToken.None);
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

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, _options.TimeProvider, ct).ConfigureAwait(false);
                await PublishAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                PublishFailed(_logger, e);
            }
        }
    }

    /// <summary>Stops the loop and publishes the last interval.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await PublishAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            PublishFailed(_logger, e);
        }
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Publishing application latency failed; will retry next interval")]
    private static partial void PublishFailed(ILogger logger, Exception exception);
}
