using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Fleet;

namespace Switchyard.Cli.Commands;

/// <summary>One open data source (and engine) per shard of a fleet file; disposing closes them all.</summary>
internal sealed class FleetSessions : IAsyncDisposable
{
    private readonly List<NpgsqlDataSource> _sources = [];
    private readonly List<IAsyncDisposable> _resources = [];

    private FleetSessions(FleetDefinition fleet) => Fleet = fleet;

    public FleetDefinition Fleet { get; }
    public List<FleetShardSession> Shards { get; } = [];

    /// <param name="plug">Builds a shard's engine with its plug-ins; null: a bare engine (status, cutover, rollback).</param>
    public static async Task<FleetSessions> OpenAsync(CliContext ctx, string fleetPath, string? onlyShard, SafeSqlOptions? options,
        Func<SafeSqlRunner, ShardTarget, FleetShard, Task<PluggedEngine>>? plug, CancellationToken ct)
    {
        var fleet = FleetFileLoader.LoadFile(fleetPath);
        var sessions = new FleetSessions(fleet);
        try
        {
            foreach (var shard in onlyShard is null ? fleet.Shards : [fleet.Shard(onlyShard)])
            {
                var target = await FleetConnections.ResolveAsync(shard, ctx.LocalOptions.BinDirectory, ct).ConfigureAwait(false);
                var source = DataSourceFactory.Create(target.Settings);
                sessions._sources.Add(source);
                try
                {
                    await using var probe = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (DatabaseErrors.Explain(e, target.Settings) is { } explained)
                {
                    throw new Core.SwitchyardException($"shard {shard.Name}: {explained.Message}", explained.Hint);
                }
                var sql = new SafeSqlRunner(source, options, ctx.LoggerFactory.CreateLogger<SafeSqlRunner>());
                var engine = new MigrationEngine(sql);
                if (plug is not null)
                {
                    var plugged = await plug(sql, target, shard).ConfigureAwait(false);
                    sessions._resources.Add(plugged);
                    engine = plugged.Engine;
                }
                sessions.Shards.Add(new FleetShardSession(shard, sql, engine));
            }
            return sessions;
        }
        catch
        {
            await sessions.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var r in Enumerable.Reverse(_resources)) await r.DisposeAsync().ConfigureAwait(false);
        foreach (var s in _sources) await s.DisposeAsync().ConfigureAwait(false);
    }
}
