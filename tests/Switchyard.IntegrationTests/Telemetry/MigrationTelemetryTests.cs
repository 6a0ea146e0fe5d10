using System.Diagnostics;
using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Telemetry;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Telemetry;

/// <summary>Issue 20 item 5: a run is read back as activities and measurements by in-process listeners, and agrees with the journal.</summary>
public sealed class MigrationTelemetryTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static readonly string[] RunPhases = ["expand", "backfill", "validate"];

    [Fact]
    public async Task Apply_ThroughValidate_ActivitiesNestMigrationPhaseStepBatchAndMetricsMatchTheJournal()
    {
        // Given a seeded ledger, listeners on the "Switchyard" source and meter, and a backfill of small batches
        using var recorder = new TelemetryRecorder(nameof(Apply_ThroughValidate_ActivitiesNestMigrationPhaseStepBatchAndMetricsMatchTheJournal));
        var backfill = new BackfillRunnerPhase(new BackfillOptions { Workers = 2, InitialBatchKeys = 500, MaxBatchKeys = 1_000 }, []);
        var engine = new MigrationEngine(db.Runner(), backfill);

        // When the flagship runs as far as Validate
        var result = await engine.ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

        // Then one migration activity under the test's own, tagged with the migration and where it stopped
        result.State.ShouldBe(MigrationStates.Waiting, result.Message);
        var migration = recorder.Named(SwitchyardTelemetry.Activities.Migration).ShouldHaveSingleItem();
        migration.ParentSpanId.ShouldBe(recorder.RootSpanId);
        migration.GetTagItem(TelemetryTags.Migration).ShouldBe(FlagshipSpec.Name);
        migration.GetTagItem(TelemetryTags.Table).ShouldBe("public.transactions");
        migration.GetTagItem(TelemetryTags.State).ShouldBe(MigrationStates.Waiting);
        migration.Status.ShouldBe(ActivityStatusCode.Unset);

        // And a phase activity per phase run, in order, children of the migration
        var phases = recorder.Named(SwitchyardTelemetry.Activities.Phase).OrderBy(a => a.StartTimeUtc).ToList();
        phases.Select(p => (string?)p.GetTagItem(TelemetryTags.Phase)).ShouldBe(RunPhases);
        phases.ShouldAllBe(p => p.ParentSpanId == migration.SpanId);

        // And a step activity per journaled step, each under the phase it belongs to, with its lock level
        var steps = recorder.Named(SwitchyardTelemetry.Activities.Step);
        var journaled = await db.ScalarAsync<string>("SELECT string_agg(step_key, ',' ORDER BY step_key) FROM switchyard.steps WHERE status = 'done'");
        string.Join(',', steps.Select(s => (string)s.GetTagItem(TelemetryTags.StepKey)!).Order(StringComparer.Ordinal)).ShouldBe(journaled);
        foreach (var step in steps)
        {
            var parent = phases.Where(p => p.SpanId == step.ParentSpanId).ShouldHaveSingleItem();
            step.GetTagItem(TelemetryTags.Phase).ShouldBe(parent.GetTagItem(TelemetryTags.Phase));
            step.GetTagItem(TelemetryTags.LockLevel).ShouldNotBeNull();
        }
        steps.ShouldContain(s => (string?)s.GetTagItem(TelemetryTags.LockLevel) == "SHARE UPDATE EXCLUSIVE" && (bool)s.GetTagItem(TelemetryTags.Concurrently)!);

        // And the backfill step holds one backfill activity whose batches equal the batches journaled
        var backfillStep = steps.Where(s => (string?)s.GetTagItem(TelemetryTags.StepKind) == "backfill").ShouldHaveSingleItem();
        var backfillRun = recorder.Named(SwitchyardTelemetry.Activities.Backfill).ShouldHaveSingleItem();
        backfillRun.ParentSpanId.ShouldBe(backfillStep.SpanId);
        var batches = recorder.Named(SwitchyardTelemetry.Activities.BackfillBatch);
        var journaledBatches = await db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{FlagshipSpec.Name}'");
        var journaledRows = await db.ScalarAsync<long>($"SELECT sum(rows_updated)::bigint FROM switchyard.backfill_batches WHERE migration = '{FlagshipSpec.Name}'");
        journaledBatches.ShouldBeGreaterThan(1);
        batches.Count.ShouldBe((int)journaledBatches);
        batches.ShouldAllBe(b => b.ParentSpanId == backfillRun.SpanId && b.Status == ActivityStatusCode.Unset);
        batches.Sum(b => (long)b.GetTagItem(TelemetryTags.Rows)!).ShouldBe(journaledRows);
        backfillStep.GetTagItem(TelemetryTags.Rows).ShouldBe(journaledRows);

        // And the meter's rows counter equals the rows backfilled (every legacy row), one duration per batch, backfill phase set
        journaledRows.ShouldBe(await db.ScalarAsync<long>("SELECT count(*) FROM transactions"));
        var measurements = recorder.Measurements.ToList();
        measurements.Where(m => m.Instrument == "switchyard.backfill.rows").Sum(m => (long)m.Value).ShouldBe(journaledRows);
        measurements.Count(m => m.Instrument == "switchyard.backfill.batch.duration").ShouldBe((int)journaledBatches);
        measurements.ShouldContain(m => m.Instrument == "switchyard.migration.phase" && m.Value == 1 && (string?)m.Tags[TelemetryTags.Phase] == "backfill");
    }
}
