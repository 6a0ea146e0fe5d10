using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>
/// A managed primary with one real streaming standby (pg_basebackup), in its own home so the shared test cluster stays
/// simple. Started once per run; a test that stops the standby starts it again with <see cref="EnsureRunningAsync"/>.
/// </summary>
public static class StandbyCluster
{
    public const string StandbyName = "standby1";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalCluster? _cluster;

    public static string Home => Path.Combine(TestCluster.RepositoryRoot(), ".switchyard", "standby-cluster");

    public static async Task<LocalCluster> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_cluster is not null) return _cluster;
            var cluster = new LocalCluster(new LocalClusterOptions { Home = Home, Fast = true });
            await cluster.StartAsync(CancellationToken.None);
            await cluster.AddStandbyAsync(StandbyName, CancellationToken.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.SignalStop();
            _cluster = cluster;
            return cluster;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Starts whatever is stopped (primary and standbys).</summary>
    public static Task EnsureRunningAsync() => _cluster!.StartAsync(CancellationToken.None);
}

/// <summary>A fresh database on the standby cluster's primary, replicated to its standby. Use as an xunit class fixture.</summary>
public sealed class StandbyDatabase : IAsyncLifetime
{
    public string Name { get; } = "s_" + Guid.NewGuid().ToString("N")[..12];
    public LocalCluster Cluster { get; private set; } = null!;
    public NpgsqlDataSource Primary { get; private set; } = null!;
    public string PrimaryConnectionString { get; private set; } = "";
    public string StandbyConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Cluster = await StandbyCluster.GetAsync();
        await using (var admin = DataSourceFactory.Create(Cluster.ConnectionString()))
        await using (var cmd = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(Name)}"))
            await cmd.ExecuteNonQueryAsync();
        PrimaryConnectionString = Cluster.ConnectionString(Name);
        StandbyConnectionString = Cluster.StandbyConnectionString(StandbyCluster.StandbyName, Name);
        Primary = DataSourceFactory.Create(PrimaryConnectionString, "switchyard-tests");
        await new LedgerSeeder(Primary).SeedAsync(new SeedOptions { Rows = 5_000 }, null, CancellationToken.None);
    }

    public Task<LedgerInvariants> InvariantsAsync() => LedgerInvariantsReader.ReadAsync(Primary, CancellationToken.None);

    public NpgsqlDataSource NewDataSource(string applicationName, bool standby = false) =>
        DataSourceFactory.Create(new NpgsqlConnectionStringBuilder(standby ? StandbyConnectionString : PrimaryConnectionString) { ApplicationName = applicationName }.ConnectionString);

    public async Task DisposeAsync()
    {
        await Primary.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await StandbyCluster.EnsureRunningAsync();
        await using var admin = DataSourceFactory.Create(Cluster.ConnectionString());
        await using var cmd = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(Name)} WITH (FORCE)");
        await cmd.ExecuteNonQueryAsync();
    }
}
