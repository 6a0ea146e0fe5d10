using Npgsql;

namespace Switchyard.Compat.Publishing;

/// <summary>
/// Runs a publish every interval until disposed, then once more so the last interval's figures reach the database.
/// A failed publish is reported and retried on the next interval: an app instance never stops because its database hiccuped.
/// </summary>
internal sealed class PeriodicPublishLoop : IAsyncDisposable
{
    private static readonly TimeSpan FinalPublishTimeout = TimeSpan.FromSeconds(5);
    private readonly Func<CancellationToken, Task> _publish;
    private readonly Action<Exception> _failed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    public PeriodicPublishLoop(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> publish, Action<Exception> failed)
    {
        _publish = publish;
        _failed = failed;
        _loop = Task.Run(() => LoopAsync(interval, time, _stop.Token), CancellationToken.None);
    }

    private async Task LoopAsync(TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, ct).ConfigureAwait(false);
                await _publish(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _failed(e);
            }
        }
    }

    /// <summary>Stops the loop and publishes a last time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(FinalPublishTimeout);
            await _publish(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            _failed(e);
        }
        _stop.Dispose();
    }
}
