using Switchyard.Core.LocalPostgres;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>
/// The one managed cluster a test run shares: the same <see cref="LocalCluster"/> the CLI uses, with durability traded
/// for speed. A missing PostgreSQL fails the run (never a skip): these tests are the proof that things work.
/// </summary>
public static class TestCluster
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalCluster? _cluster;

    /// <summary>Each checkout gets its own cluster folder, so parallel work trees do not share a server.</summary>
    public static string Home => Path.Combine(RepositoryRoot(), ".switchyard", "test-cluster");

    public static async Task<LocalCluster> GetAsync()
    {
        if (_cluster is not null) return _cluster;
        await Gate.WaitAsync();
        try
        {
            if (_cluster is not null) return _cluster;
            var cluster = new LocalCluster(new LocalClusterOptions { Home = Home, Fast = true });
            await cluster.StartAsync(CancellationToken.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.SignalStop();
            _cluster = cluster;
            return cluster;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory);
    }
}
