using Switchyard.Core.Fleet;
using Switchyard.Core.Runbook;
using Switchyard.Core.Runbook.Scale;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>runbook SPEC --fleet FILE [--rows N]</c>: the body from the first shard (every shard has the same schema), then,
/// with --rows, each shard's own measured inputs and the fleet's lockstep calendar.
/// </summary>
internal static class RunbookFleet
{
    public static async Task<RunbookDocument?> BuildAsync(CliContext ctx, string fleetPath, MigrationSpec spec, RunbookHeader header, double? givenRate, ScaleOverrides? full, CancellationToken ct)
    {
        await using var fleet = await FleetSessions.OpenAsync(ctx, fleetPath, null, null, null, ct).ConfigureAwait(false);
        var first = fleet.Shards[0];
        // Shard names only: a shard's connection string is never printed.
        var target = $"fleet {fleet.Fleet.Name} ({fleet.Shards.Count} shard(s): {string.Join(", ", fleet.Shards.Select(s => s.Shard.Name))}); plan and steps from shard {first.Shard.Name}";
        var body = await RunbookCommands.BodyAsync(first.Sql, spec, header with { Target = target }, givenRate, ct).ConfigureAwait(false);
        if (body is null || full is null) return body?.Document;
        var shards = new List<FleetShardScaleInputs>();
        foreach (var shard in fleet.Shards)
        {
            var size = await TableSizeReader.ReadAsync(shard.Sql, body.Plan.TargetTable, ct).ConfigureAwait(false);
            var rate = await RunbookCommands.RateAsync(shard.Sql, body.Plan.TargetTable, givenRate, ct).ConfigureAwait(false);
            var inputs = await ScaleRatesReader.ReadAsync(shard.Sql, body.Plan, size, rate, full, ct).ConfigureAwait(false);
            shards.Add(new FleetShardScaleInputs(shard.Shard.Name, size.Rows, inputs));
        }
        var estimate = FleetScaleEstimate.Compute(full.Rows, shards);
        return body.Document with { Sections = [.. body.Document.Sections, FleetScaleEstimateSection.Build(fleet.Fleet.Name, estimate)] };
    }
}
