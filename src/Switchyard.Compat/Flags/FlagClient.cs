using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Compat.Acks;

namespace Switchyard.Compat.Flags;

/// <summary>
/// The application's view of <c>switchyard.flags</c>: loaded at start, kept current by LISTEN on a dedicated
/// connection (reconnecting with backoff, reloading everything after a reconnect), with polling as the fallback while
/// the listener is down and as a slow safety net while it is up.
/// </summary>
public sealed class FlagClient : ICompatFlags, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly FlagClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FlagAcknowledger _acks;
    private readonly ConcurrentDictionary<string, CompatFlag> _flags = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _notified = new();
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection? _listener;
    private Task _listenLoop = Task.CompletedTask;
    private Task _pollLoop = Task.CompletedTask;
    private long _lastPollTimestamp;
    private long _notifications;
    private long _polls;
    private long _reconnects;
    private volatile bool _listening;
    private bool _storeMissingLogged;
    private int _disposed;

    private FlagClient(NpgsqlDataSource dataSource, FlagClientOptions options, ILogger logger)
    {
        _dataSource = dataSource;
        _options = options;
        _time = options.TimeProvider;
        _logger = logger;
        _acks = new FlagAcknowledger(logger);
    }

    /// <summary>Raised after a newer flag value is applied to the cache (on a background thread; keep handlers short).</summary>
    public event Action<FlagChange>? Changed;

    /// <summary>This client's id in <c>switchyard.compat_clients</c>, where it acknowledges every flag version it applies.</summary>
    public Guid ClientId => _acks.ClientId;

    /// <summary>Whether the LISTEN connection is up right now.</summary>
    public bool IsListening => _listening;

    /// <summary>Notifications received on the flags channel since start.</summary>
    public long NotificationsReceived => Interlocked.Read(ref _notifications);

    /// <summary>Full reloads done by the poller since start.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>Times the listener had to reconnect.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>
    /// Connects the listener (when enabled), loads every flag, then starts the background loops. LISTEN comes before
    /// the load so no change committed in between is missed. Fails when the database cannot be read at all.
    /// </summary>
    public static async Task<FlagClient> StartAsync(NpgsqlDataSource dataSource, FlagClientOptions? options = null, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new FlagClientOptions();
        options.Validate();
        var client = new FlagClient(dataSource, options, logger ?? NullLogger.Instance);
        try
        {
            await FlagAcknowledger.EnsureTablesAsync(dataSource, client._logger, ct).ConfigureAwait(false);
            if (options.Listen)
            {
                try
                {
                    client._listener = await client.ConnectListenerAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    FlagClientLog.ListenerFailed(client._logger, e, options.DisconnectedPollInterval, options.ReconnectMinDelay);
                }
            }
            await client.ReloadAllAsync(FlagSource.Initial, ct).ConfigureAwait(false);
            client._lastPollTimestamp = client._time.GetTimestamp();
            if (options.Listen) client._listenLoop = Task.Run(() => client.ListenLoopAsync(client._stop.Token), CancellationToken.None);
            client._pollLoop = Task.Run(() => client.PollLoopAsync(client._stop.Token), CancellationToken.None);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public CompatFlag Current(string flagKey) =>
        _flags.TryGetValue(flagKey, out var flag) ? flag : CompatFlag.Default(flagKey);

    public IReadOnlyCollection<CompatFlag> All => [.. _flags.Values];

    /// <summary>Reloads every flag now (what the poller does); returns how many values changed.</summary>
    public async Task<int> RefreshAsync(CancellationToken ct = default) =>
        await ReloadAllAsync(FlagSource.Poll, ct).ConfigureAwait(false);

    private async Task<NpgsqlConnection> ConnectListenerAsync(CancellationToken ct)
    {
        var connection = _dataSource.CreateConnection();
        try
        {
            connection.Notification += (_, e) =>
            {
                Interlocked.Increment(ref _notifications);
                _notified.Enqueue(e.Payload);
            };
            await connection.OpenAsync(ct).ConfigureAwait(false);
            // Before LISTEN, on this connection: the engine knows the client is connected while this backend lives.
            await _acks.RegisterListenerAsync(connection, ct).ConfigureAwait(false);
            await using (var listen = new NpgsqlCommand($"LISTEN {FlagClientOptions.Channel}", connection))
                await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _listening = true;
            FlagClientLog.ListenerConnected(_logger, FlagClientOptions.Channel);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ListenLoopAsync(CancellationToken ct)
    {
        var delay = _options.ReconnectMinDelay;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_listener is null)
                {
                    _listener = await ConnectListenerAsync(ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _reconnects);
                    // Anything committed while we were deaf is only visible to a full read.
                    await ReloadAllAsync(FlagSource.Reconnect, ct).ConfigureAwait(false);
                    delay = _options.ReconnectMinDelay;
                }
                // Notifications that arrived while the previous batch was being read are already queued: WaitAsync
                // only returns for the next message, so apply them first.
                if (!_notified.IsEmpty) await ApplyNotifiedAsync(_listener, ct).ConfigureAwait(false);
                if (await _listener.WaitAsync(_options.ListenerKeepAlive, ct).ConfigureAwait(false))
                {
                    await ApplyNotifiedAsync(_listener, ct).ConfigureAwait(false);
                }
                else
                {
                    // Quiet for a while: prove the connection is alive rather than wait on a dead socket forever.
                    await using var ping = new NpgsqlCommand("SELECT 1", _listener);
                    await ping.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    await ApplyNotifiedAsync(_listener, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _listening = false;
                FlagClientLog.ListenerFailed(_logger, e, _options.DisconnectedPollInterval, delay);
                if (_listener is not null)
                {
                    await _listener.DisposeAsync().ConfigureAwait(false);
                    _listener = null;
                }
                try
                {
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
            }
        }
        _listening = false;
    }

    private async Task ApplyNotifiedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var reloadAll = false;
        while (_notified.TryDequeue(out var key))
        {
            if (string.IsNullOrEmpty(key)) reloadAll = true;
            else keys.Add(key);
        }
        if (reloadAll)
        {
            Apply(await FlagStoreReader.ReadAllAsync(connection, ct).ConfigureAwait(false), FlagSource.Notification, removeMissing: true);
        }
        else if (keys.Count > 0)
        {
            Apply(await FlagStoreReader.ReadKeysAsync(connection, [.. keys], ct).ConfigureAwait(false), FlagSource.Notification, removeMissing: false);
        }
        if (reloadAll || keys.Count > 0) await _acks.AcknowledgeAsync(connection, All, ct).ConfigureAwait(false);
    }

    private async Task PollLoopAsync(CancellationToken ct)
    {
        // Wake at the fallback cadence; poll when the listener is down, or when the safety-net interval has passed.
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.DisconnectedPollInterval, _time, ct).ConfigureAwait(false);
                var due = !_listening
                    || (_options.PollInterval != Timeout.InfiniteTimeSpan
                        && _time.GetElapsedTime(Interlocked.Read(ref _lastPollTimestamp)) >= _options.PollInterval);
                if (!due) continue;
                await ReloadAllAsync(FlagSource.Poll, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _polls);
                Interlocked.Exchange(ref _lastPollTimestamp, _time.GetTimestamp());
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                FlagClientLog.PollFailed(_logger, e);
            }
        }
    }

    private async Task<int> ReloadAllAsync(FlagSource source, CancellationToken ct)
    {
        var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var changed = Apply(await FlagStoreReader.ReadAllAsync(connection, ct).ConfigureAwait(false), source, removeMissing: true);
            // Every reload acknowledges what the cache holds: the heartbeat of a client whose listener is down.
            await _acks.AcknowledgeAsync(connection, All, ct).ConfigureAwait(false);
            return changed;
        }
    }

    private int Apply(IReadOnlyList<CompatFlag>? flags, FlagSource source, bool removeMissing)
    {
        if (flags is null)
        {
            if (!_storeMissingLogged) FlagClientLog.StoreMissing(_logger);
            _storeMissingLogged = true;
            flags = [];
        }
        var changed = 0;
        foreach (var flag in flags)
        {
            if (ApplyOne(flag, source)) changed++;
        }
        if (removeMissing)
        {
            // A deleted row means "no flag": back to the all-legacy default.
            var present = flags.Select(f => f.FlagKey).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, cached) in _flags)
            {
                if (!present.Contains(key) && _flags.TryRemove(new KeyValuePair<string, CompatFlag>(key, cached)))
                {
                    changed++;
                    Raise(new FlagChange(CompatFlag.Default(key), cached, source, _time.GetTimestamp()));
                }
            }
        }
        return changed;
    }

    private bool ApplyOne(CompatFlag flag, FlagSource source)
    {
        while (true)
        {
            if (_flags.TryGetValue(flag.FlagKey, out var cached))
            {
                if (!flag.IsNewerThan(cached)) return false;
                if (!_flags.TryUpdate(flag.FlagKey, flag, cached)) continue;
            }
            else if (!_flags.TryAdd(flag.FlagKey, flag))
            {
                continue;
            }
            FlagClientLog.Applied(_logger, flag, source);
            Raise(new FlagChange(flag, cached, source, _time.GetTimestamp()));
            return true;
        }
    }

    private void Raise(FlagChange change)
    {
        try
        {
            Changed?.Invoke(change);
        }
#pragma warning disable CA1031 // A subscriber's bug must not stop flag updates for the whole process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_listenLoop, _pollLoop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        _listener = null;
        _listening = false;
        await _acks.UnregisterAsync(_dataSource).ConfigureAwait(false);
        _stop.Dispose();
    }
}
