using Switchyard.Core.LocalPostgres;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Switchyard.Core.LocalPostgres;

/// <summary>
/// The managed local PostgreSQL cluster: created on first use from the installed binaries, bound to loopback,
/// run as the unprivileged <c>postgres</c> OS user when we are root. Used by the CLI, the demo and the tests alike.
/// </summary>
public sealed class LocalCluster
{
    private const string ServiceUser = "postgres";
    private readonly LocalClusterOptions _options;

    public LocalCluster(LocalClusterOptions options) => _options = options;

    public string Home => _options.Home;
    private string StatePath => Path.Combine(Home, "cluster.json");
    /// <summary>The password file (mode 600) Npgsql and psql read; the password is never printed.</summary>
    public string PassFile => Path.Combine(Home, "pgpass");
    private string? RunUser => OsProcess.IsRoot ? ServiceUser : null;

    public ClusterState? State => ClusterState.Load(StatePath);

    /// <summary>Creates the cluster if needed and starts it; a second call finds it running and does nothing.</summary>
    public async Task<ClusterState> StartAsync(CancellationToken ct)
    {
        // A folder named explicitly must exist even when the cluster was created earlier from another one.
        if (_options.BinDirectory is not null) await PostgresBinaries.LocateAsync(_options.BinDirectory, ct).ConfigureAwait(false);
        var state = State ?? await InitializeAsync(ct).ConfigureAwait(false);
        if (!Directory.Exists(state.DataDirectory) || !File.Exists(Path.Combine(state.DataDirectory, "PG_VERSION")))
            state = await InitializeAsync(ct).ConfigureAwait(false);

        var binaries = new PostgresBinaries(state.BinDirectory, 0);
        if (!await IsRunningAsync(binaries, state.DataDirectory, ct).ConfigureAwait(false))
        {
            if (!IsPortFree(state.Port)) state = state with { Port = FreePort() };
            await PgCtlStartAsync(binaries, state.DataDirectory, state.Port, state.SocketDirectory, ct).ConfigureAwait(false);
            state.Save(StatePath);
            await ManagedDatabase.EnsureAsync(ConnectionString(state, "postgres"), LocalClusterOptions.DefaultDatabase, ct).ConfigureAwait(false);
        }
        foreach (var standby in state.Standbys)
        {
            if (!await IsRunningAsync(binaries, standby.DataDirectory, ct).ConfigureAwait(false))
                await PgCtlStartAsync(binaries, standby.DataDirectory, standby.Port, state.SocketDirectory, ct).ConfigureAwait(false);
        }
        return state;
    }

    /// <summary>Stops the standbys, then the primary. Stopping a stopped cluster is not an error.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (State is not { } state) return;
        var binaries = new PostgresBinaries(state.BinDirectory, 0);
        foreach (var standby in state.Standbys)
            await PgCtlStopAsync(binaries, standby.DataDirectory, ct).ConfigureAwait(false);
        await PgCtlStopAsync(binaries, state.DataDirectory, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks every server of the cluster to shut down without waiting for it: for process-exit hooks (test runs), which
    /// the host may cut short. Each server still shuts down cleanly on its own.
    /// </summary>
    public void SignalStop()
    {
        if (State is not { } state) return;
        var pgCtl = new PostgresBinaries(state.BinDirectory, 0).Path("pg_ctl");
        foreach (var dir in state.Standbys.Select(s => s.DataDirectory).Append(state.DataDirectory))
        {
            if (!File.Exists(Path.Combine(dir, "postmaster.pid"))) continue;
            OsProcess.RunAsync(pgCtl, ["-D", dir, "-m", "fast", "-W", "stop"], RunUser, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops one standby (used to prove that guards fail closed).</summary>
    public async Task StopStandbyAsync(string name, CancellationToken ct)
    {
        var state = State ?? throw NotInitialized();
        var standby = state.Standbys.FirstOrDefault(s => s.Name == name)
            ?? throw new SwitchyardException($"No standby named '{name}'.", "List them with `switchyard local status`.");
        await PgCtlStopAsync(new PostgresBinaries(state.BinDirectory, 0), standby.DataDirectory, ct).ConfigureAwait(false);
    }

    public async Task<LocalClusterStatus> StatusAsync(CancellationToken ct)
    {
        if (State is not { } state)
            return new LocalClusterStatus(false, false, Home, null, null, null, null, null, []);
        var binaries = new PostgresBinaries(state.BinDirectory, 0);
        var running = await IsRunningAsync(binaries, state.DataDirectory, ct).ConfigureAwait(false);
        var standbys = new List<StandbyStatus>();
        foreach (var s in state.Standbys)
        {
            standbys.Add(new StandbyStatus(s.Name, await IsRunningAsync(binaries, s.DataDirectory, ct).ConfigureAwait(false),
                s.Port, s.DataDirectory, ConnectionString(state, LocalClusterOptions.DefaultDatabase, s.Port)));
        }
        return new LocalClusterStatus(true, running, Home, state.DataDirectory, state.Port,
            ConnectionString(state, LocalClusterOptions.DefaultDatabase), state.BinDirectory, running ? ReadPid(state.DataDirectory) : null, standbys);
    }

    /// <summary>The connection string for a database of the running cluster; it names the password file, never the password.</summary>
    public string ConnectionString(string database = "postgres") =>
        ConnectionString(State ?? throw NotInitialized(), database);

    private string ConnectionString(ClusterState state, string database, int? port = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port ?? state.Port,
            Username = state.SuperUser,
            Database = database,
            Passfile = PassFile,
        }.ConnectionString;

    /// <summary>Connection string of a named standby (read-only).</summary>
    public string StandbyConnectionString(string name, string database = "postgres")
    {
        var state = State ?? throw NotInitialized();
        var standby = state.Standbys.FirstOrDefault(s => s.Name == name) ?? throw new SwitchyardException($"No standby named '{name}'.");
        return ConnectionString(state, database, standby.Port);
    }

    /// <summary>Builds a streaming standby with pg_basebackup and starts it; a no-op when it exists.</summary>
    public async Task<StandbyState> AddStandbyAsync(string name, CancellationToken ct)
    {
        var state = await StartAsync(ct).ConfigureAwait(false);
        if (state.Standbys.FirstOrDefault(s => s.Name == name) is { } existing) return existing;

        var binaries = new PostgresBinaries(state.BinDirectory, 0);
        var dataDir = Path.Combine(Path.GetDirectoryName(state.DataDirectory)!, "standby-" + name);
        if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        // The home belongs to us, not to the postgres OS user: create the folder and hand it over (PostgreSQL wants 700).
        Directory.CreateDirectory(dataDir);
        File.SetUnixFileMode(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await GiveToServiceUserAsync([dataDir], ct).ConfigureAwait(false);
        var run = await OsProcess.RunAsync(binaries.Path("pg_basebackup"),
            ["-h", state.SocketDirectory, "-p", state.Port.ToString(CultureInfo.InvariantCulture), "-U", state.SuperUser,
             "-D", dataDir, "-R", "-X", "stream", "-c", "fast", "-d", $"application_name={name}"],
            RunUser, ct).ConfigureAwait(false);
        if (run.ExitCode != 0)
            throw new SwitchyardException($"pg_basebackup for standby '{name}' failed: {run.Combined}");

        var standby = new StandbyState(name, dataDir, FreePort());
        await PgCtlStartAsync(binaries, dataDir, standby.Port, state.SocketDirectory, ct).ConfigureAwait(false);
        state = state with { Standbys = [.. state.Standbys, standby] };
        state.Save(StatePath);
        return standby;
    }

    private async Task<ClusterState> InitializeAsync(CancellationToken ct)
    {
        var binaries = await PostgresBinaries.LocateAsync(_options.BinDirectory, ct).ConfigureAwait(false);
        Directory.CreateDirectory(Home);
        var baseDir = await ServerBaseDirectoryAsync(ct).ConfigureAwait(false);
        var dataDir = Path.Combine(baseDir, "pg");
        var socketDir = Path.Combine(baseDir, "run");
        if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        Directory.CreateDirectory(socketDir);

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var pwFile = Path.Combine(baseDir, ".initpw");
        await File.WriteAllTextAsync(pwFile, password + "\n", ct).ConfigureAwait(false);
        File.SetUnixFileMode(pwFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await GiveToServiceUserAsync([dataDir, socketDir, pwFile], ct).ConfigureAwait(false);
        try
        {
            var init = await OsProcess.RunAsync(binaries.Path("initdb"),
                ["-D", dataDir, "-U", _options.SuperUser, "--pwfile", pwFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                 "-E", "UTF8", "--locale=C.UTF-8"],
                RunUser, ct).ConfigureAwait(false);
            if (init.ExitCode != 0)
                throw new SwitchyardException($"initdb failed in {dataDir}: {init.Combined}", "Check the folder's owner and free disk space, then run `switchyard local start` again.");
        }
        finally
        {
            File.Delete(pwFile);
        }

        await File.WriteAllTextAsync(PassFile, $"127.0.0.1:*:*:{_options.SuperUser}:{password}\n", ct).ConfigureAwait(false);
        File.SetUnixFileMode(PassFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await File.AppendAllTextAsync(Path.Combine(dataDir, "postgresql.conf"), ServerSettings(_options.Fast), ct).ConfigureAwait(false);
        var state = new ClusterState(dataDir, binaries.BinDirectory, FreePort(), _options.SuperUser, socketDir, _options.Fast);
        state.Save(StatePath);
        return state;
    }

    /// <summary>Settings sized for a ledger workload on a small machine; replication-ready so a standby can be added.</summary>
    private static string ServerSettings(bool fast)
    {
        var settings = """

            # --- Switchyard managed cluster ---
            listen_addresses = '127.0.0.1'
            max_connections = 200
            shared_buffers = '512MB'
            work_mem = '16MB'
            maintenance_work_mem = '256MB'
            max_wal_size = '4GB'
            min_wal_size = '256MB'
            checkpoint_timeout = '15min'
            wal_level = logical
            max_wal_senders = 10
            max_replication_slots = 10
            wal_keep_size = '1GB'
            hot_standby = on
            hot_standby_feedback = on
            track_io_timing = on
            log_lock_waits = on
            log_min_messages = warning
            # The superuser is named like the journal schema; "$user" first would put unqualified tables in it.
            search_path = 'public'

            """;
        if (fast)
        {
            settings += """
                # Tests only: durability traded for speed.
                fsync = off
                synchronous_commit = off
                full_page_writes = off

                """;
        }
        return settings;
    }

    /// <summary>
    /// The server's files must be reachable by the postgres OS user; a home under /root is not, so we then keep them
    /// under /var/tmp in a folder named after the home and keep only state and the password file in the home.
    /// </summary>
    private async Task<string> ServerBaseDirectoryAsync(CancellationToken ct)
    {
        if (RunUser is null) return Home;
        var probe = await OsProcess.RunAsync("test", ["-x", Home, "-a", "-r", Home], RunUser, ct).ConfigureAwait(false);
        if (probe.ExitCode == 0) return Home;
        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Home)))[..12].ToLowerInvariant();
        var alt = Path.Combine("/var/tmp/switchyard", hash);
        Directory.CreateDirectory(alt);
        return alt;
    }

    private async Task GiveToServiceUserAsync(IEnumerable<string> paths, CancellationToken ct)
    {
        if (RunUser is null) return;
        var chown = await OsProcess.RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", .. paths], null, ct).ConfigureAwait(false);
        if (chown.ExitCode != 0) throw new SwitchyardException($"chown to {ServiceUser} failed: {chown.Combined}");
        foreach (var dir in paths.Where(Directory.Exists))
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private async Task<bool> IsRunningAsync(PostgresBinaries binaries, string dataDir, CancellationToken ct)
    {
        if (!Directory.Exists(dataDir)) return false;
        var status = await OsProcess.RunAsync(binaries.Path("pg_ctl"), ["-D", dataDir, "status"], RunUser, ct).ConfigureAwait(false);
        return status.ExitCode == 0;
    }

    private async Task PgCtlStartAsync(PostgresBinaries binaries, string dataDir, int port, string socketDir, CancellationToken ct)
    {
        var log = Path.Combine(dataDir, "server.log");
        // pg_ctl's server keeps our stdout open unless its output goes to the log file, so we do not capture it.
        var start = await OsProcess.RunAsync(binaries.Path("pg_ctl"),
            ["-D", dataDir, "-l", log, "-s", "-w", "-t", "120", "-o", $"-p {port} -k {socketDir}", "start"],
            RunUser, ct, detachOutput: true).ConfigureAwait(false);
        if (start.ExitCode != 0)
        {
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no server log)";
            throw new SwitchyardException($"PostgreSQL did not start from {dataDir} on port {port}:\n{tail}",
                $"Read {log}; if the folder is damaged, remove {Home} and run `switchyard local start` again.");
        }
    }

    private async Task PgCtlStopAsync(PostgresBinaries binaries, string dataDir, CancellationToken ct)
    {
        if (!await IsRunningAsync(binaries, dataDir, ct).ConfigureAwait(false)) return;
        var stop = await OsProcess.RunAsync(binaries.Path("pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "-t", "120", "stop"], RunUser, ct).ConfigureAwait(false);
        if (stop.ExitCode != 0) throw new SwitchyardException($"pg_ctl stop failed for {dataDir}: {stop.Combined}");
    }

    private static int? ReadPid(string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    private SwitchyardException NotInitialized() =>
        new($"No managed cluster in {Home}.", "Run `switchyard local start` first.");
}
