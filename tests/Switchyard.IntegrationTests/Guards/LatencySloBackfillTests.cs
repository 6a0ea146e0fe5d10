using System.Text.Json;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.Core.Guards.Slo;
using Switchyard.IntegrationTests.Backfill;
using Switchyard.Samples.Ledger.Invariants;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>Issue 18 item 1: the latency-SLO controller, driven by a canary made slow for real in PostgreSQL.</summary>
public sealed class LatencySloBackfillTests : IClassFixture<ExpandedLedger>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly ExpandedLedger _db;

    public LatencySloBackfillTests(ExpandedLedger db) => _db = db;

    /// <summary>
    /// The canary sleeps as long as slo_canary_delay says: the test sets how slow the foreground is. The baseline floor
    /// of 50 ms makes the SLO 75 ms (1.5x) and the pause threshold 150 ms (2x the SLO) whatever the machine's speed.
    /// </summary>
    private static LatencySloOptions SloOptions() => new()
    {
        // Starts without a limit, so the first decision is the slow-down this test asserts (slow start has its own tests).
        StartRowsPerSecond = null,
        // Acts on the first sample over the SLO, so the slow-down comes before any row is written (confirmation has its own tests).
        ConfirmSamplesOver = 1,
        SampleInterval = TimeSpan.FromMilliseconds(100),
        MinRowsPerSecond = 50,
        IncreaseRowsPerSecond = 3_000,
        PauseAfterSamplesOver = 1_000,
        Canary = new CanaryOptions
        {
            ProbeSql = ["SELECT pg_sleep(ms / 1000.0) FROM slo_canary_delay"],
            BaselineProbes = 10,
            ProbesPerSample = 3,
            WindowProbes = 3,
            BaselineFloor = TimeSpan.FromMilliseconds(50),
        },
    };

    [Fact]
    public async Task SlowCanary_SlowsThenPausesThenResumesTheBackfill_JournalingEachDecisionWithItsValues()
    {
        // Given a quiet canary for the baseline, then one that takes 100 ms (over the 75 ms SLO, under 150 ms)
        const string migration = "slo-controlled";
        // No re-measure: at the floor rate five samples of the 100 ms canary would re-measure the baseline before the
        // test sets 300 ms when it polls the journal late (re-measuring has its own test below).
        var (slo, firstEvent, before) = await QuietBaselineAsync(migration, SloOptions() with { RebaseAfterPausedSamples = 0 });
        await SetCanaryDelayAsync(100);

        // When the backfill runs under the controller
        var run = _db.Backfill().RunAsync(new BackfillRequest(migration, ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [slo], null, CancellationToken.None);

        // Then it slows to a limited rate
        await UntilJournaledAsync(firstEvent, "slow", run);

        // When the canary gets far over the SLO (300 ms >= 2x 75 ms), Then the backfill pauses
        await SetCanaryDelayAsync(300);
        await UntilJournaledAsync(firstEvent, "pause", run);
        await UntilAsync(async () => await _db.RunStateAsync(migration) == "paused");
        run.IsCompleted.ShouldBeFalse();

        // When the canary is quiet again, Then it resumes, speeds up and completes
        await SetCanaryDelayAsync(0);
        var outcome = await run.WaitAsync(Patience);
        outcome.ShouldBeOfType<BackfillCompleted>();

        // And the journal holds one entry per change of decision, in order, with the values behind each
        var rows = (await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent)).Where(r => r.Data.Contains(LatencySloThrottle.Source)).ToList();
        rows.Select(r => r.Action).Take(5).ShouldBe(["baseline", "slow", "pause", "resume", "speed_up"]);
        var values = rows.Select(r => JsonDocument.Parse(r.Data).RootElement).ToList();
        values.ShouldAllBe(v => v.GetProperty("slo_ms").GetDouble() == 75 && v.GetProperty("baseline_ms").GetDouble() == 50);
        var slow = values[1];
        slow.GetProperty("p99_ms").GetDouble().ShouldBeInRange(75.0, 150.0);
        slow.GetProperty("allowed_rows_per_second").GetDouble().ShouldBe(50);
        rows[1].Message.ShouldContain("over 90% of the SLO");
        var pause = values[2];
        pause.GetProperty("p99_ms").GetDouble().ShouldBeGreaterThanOrEqualTo(150);
        pause.GetProperty("state").GetString().ShouldBe("paused");
        rows[2].Message.ShouldContain("at least 2x the SLO");
        values[3].GetProperty("p99_ms").GetDouble().ShouldBeLessThanOrEqualTo(75);
        values[3].GetProperty("allowed_rows_per_second").GetDouble().ShouldBe(50);
        values[4].GetProperty("allowed_rows_per_second").GetDouble().ShouldBeGreaterThan(50);
        rows.Count(r => r.Action == "slow").ShouldBe(1, "a run of halvings is journaled once, not every sample");

        // And no batch started while paused: at most the one each worker had in flight commits after the pause
        var committedWhilePaused = await _db.ScalarAsync<long>($"""
            SELECT count(*) FROM switchyard.backfill_batches
            WHERE migration = '{migration}'
              AND at > (SELECT at FROM switchyard.events WHERE id = {rows[2].Id})
              AND at < (SELECT at FROM switchyard.events WHERE id = {rows[3].Id})
            """);
        committedWhilePaused.ShouldBeLessThanOrEqualTo(ExpandedLedger.SmallBatches().Workers);

        // And the gauges and the progress text carry SLO, p99 and rate
        SwitchyardMetrics.LatencySloSeconds.WithLabels(migration).Value.ShouldBe(0.075, 1e-9);
        SwitchyardMetrics.LatencyBaselineSeconds.WithLabels(migration).Value.ShouldBe(0.05, 1e-9);
        SwitchyardMetrics.LatencyP99Seconds.WithLabels(migration).Value.ShouldBe(slo.Last!.P99Ms / 1000, 1e-9);
        SwitchyardMetrics.BackfillAllowedRowsPerSecond.WithLabels(migration).Value.ShouldBe(slo.Last.AllowedRowsPerSecond ?? double.PositiveInfinity);
        slo.Describe().ShouldStartWith("SLO 75.0 ms, p99 ");

        // And status reads the last decision back; the money did not move
        var status = await GuardStatusReader.LastSloDecisionAsync(_db.Runner(), CancellationToken.None);
        status.ShouldNotBeNull().SloMs.ShouldBe(75);
        status.Action.ShouldBe(rows[^1].Action);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    [Fact]
    public async Task SlowCanaryWhilePaused_RemeasuresTheBaselineAndCompletes_JournalingTheMedian()
    {
        // Given a quiet canary for the baseline (SLO 75 ms), then one at 160 ms whatever the backfill does
        const string migration = "slo-rebased";
        var (slo, firstEvent, before) = await QuietBaselineAsync(migration, SloOptions() with { RebaseAfterPausedSamples = 3, MaxBaselineRise = 4 });
        await SetCanaryDelayAsync(160);

        // When the backfill runs under the controller
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest(migration, ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [slo], null, CancellationToken.None)
            .WaitAsync(Patience);

        // Then it paused (2x the SLO), found p99 still up with nothing running, re-measured the baseline from those samples and completed
        outcome.ShouldBeOfType<BackfillCompleted>();
        var rows = (await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent)).Where(r => r.Data.Contains(LatencySloThrottle.Source)).ToList();
        rows.Select(r => r.Action).Take(3).ShouldBe(["baseline", "pause", "rebase"]);
        rows[2].Message.ShouldContain("p99 over 90% of the SLO in most of the last 3 samples with the backfill paused or at its floor, so the foreground's own latency moved");
        var resumed = JsonDocument.Parse(rows[2].Data).RootElement;
        var baseline = resumed.GetProperty("baseline_ms").GetDouble();
        baseline.ShouldBeInRange(160.0, 200.0);
        resumed.GetProperty("slo_ms").GetDouble().ShouldBe(1.5 * baseline, 1e-9);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    [Fact]
    public async Task UnreadableCanary_PausesTheBackfill_FailingClosed()
    {
        // Given a controller whose baseline was taken, then a canary statement that fails
        await _db.ResetAsync();
        await _db.ExecuteAsync("CREATE TABLE IF NOT EXISTS slo_canary_delay (ms int NOT NULL); TRUNCATE slo_canary_delay; INSERT INTO slo_canary_delay VALUES (0)");
        var slo = await LatencySloThrottle.CreateAsync(_db.DataSource, SloOptions(), CancellationToken.None);
        var firstEvent = await _db.ScalarAsync<long?>("SELECT max(id) FROM switchyard.events") ?? 0;
        await slo.CaptureBaselineAsync("slo-unreadable", CancellationToken.None);
        await _db.ExecuteAsync("ALTER TABLE slo_canary_delay RENAME TO slo_canary_delay_gone");
        try
        {
            // When a batch asks
            var decision = await slo.BeforeBatchAsync(new BatchContext("slo-unreadable", 0, 0, 0, 0), CancellationToken.None);

            // Then it pauses, saying the latency cannot be measured
            decision.Action.ShouldBe(ThrottleAction.Pause);
            decision.Source.ShouldBe(LatencySloThrottle.Source);
            decision.Reason.ShouldNotBeNull().ShouldContain("cannot measure canary probe latency");
        }
        finally
        {
            await _db.ExecuteAsync("ALTER TABLE slo_canary_delay_gone RENAME TO slo_canary_delay");
        }

        // And once the canary answers again, the next sample lets batches run and journals the resume
        await Task.Delay(SloOptions().SampleInterval);
        var again = await slo.BeforeBatchAsync(new BatchContext("slo-unreadable", 0, 0, 0, 0), CancellationToken.None);
        again.Action.ShouldBe(ThrottleAction.Proceed, again.Reason);
        var rows = await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent);
        rows.Select(r => r.Action).ShouldBe(["baseline", "pause", "resume"]);
        rows[1].Message.ShouldContain("cannot measure canary probe latency");
        rows[2].Message.ShouldContain("canary probe readable again");
    }

    /// <summary>A fresh ledger, a quiet canary, the controller with its 50 ms baseline taken; the journal's last id and the money before.</summary>
    private async Task<(LatencySloThrottle Slo, long FirstEvent, LedgerInvariants Before)> QuietBaselineAsync(string migration, LatencySloOptions options)
    {
        await _db.ResetAsync();
        await _db.ExecuteAsync("CREATE TABLE IF NOT EXISTS slo_canary_delay (ms int NOT NULL); TRUNCATE slo_canary_delay; INSERT INTO slo_canary_delay VALUES (0)");
        var before = await _db.InvariantsAsync();
        var slo = await LatencySloThrottle.CreateAsync(_db.DataSource, options, CancellationToken.None);
        var firstEvent = await _db.ScalarAsync<long?>("SELECT max(id) FROM switchyard.events") ?? 0;
        (await slo.CaptureBaselineAsync(migration, CancellationToken.None)).ShouldBe(50);
        return (slo, firstEvent, before);
    }

    private Task SetCanaryDelayAsync(int ms) => _db.ExecuteAsync($"UPDATE slo_canary_delay SET ms = {ms}");

    /// <summary>Waits for the controller to journal <paramref name="action"/>; a run that ends first, or the wait running out, fails naming what was journaled.</summary>
    private async Task UntilJournaledAsync(long afterId, string action, Task<BackfillOutcome> run)
    {
        async Task<List<string>> Actions() => [.. (await GuardJournalRows.ReadAsync(_db.DataSource, afterId)).Where(r => r.Data.Contains(LatencySloThrottle.Source)).Select(r => r.Action ?? "")];
        try
        {
            await UntilAsync(async () => run.IsCompleted || (await Actions()).Contains(action));
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"no '{action}' within {Patience.TotalSeconds:F0} s; the controller journaled: {string.Join(", ", await Actions())}");
        }
        if ((await Actions()).Contains(action)) return;
        var ended = run.IsFaulted ? "failed: " + run.Exception!.GetBaseException().Message : "ended: " + (await run).GetType().Name;
        throw new ShouldAssertException($"the backfill {ended} before the controller journaled '{action}'; it journaled: {string.Join(", ", await Actions())}");
    }

    /// <summary>Polls a condition; the bound only keeps a broken controller from hanging the suite.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }
}
