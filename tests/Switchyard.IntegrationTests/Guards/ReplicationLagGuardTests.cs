using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>Replication-lag guards against a real streaming standby built with pg_basebackup from the managed cluster.</summary>
[Collection(nameof(StandbyCollection))]
public sealed class ReplicationLagGuardTests : IClassFixture<StandbyDatabase>
{
    private const int MaxPolls = 60;
    private static readonly BatchContext Batch = new("lag-test", 0, 0, 0, 0);
    private readonly StandbyDatabase _db;

    public ReplicationLagGuardTests(StandbyDatabase db) => _db = db;

    private GuardOptions Options() => new()
    {
        SampleInterval = TimeSpan.Zero,
        HeartbeatWait = TimeSpan.FromMilliseconds(300),
        StandbyConnections = new Dictionary<string, string> { [StandbyCluster.StandbyName] = _db.StandbyConnectionString },
        Rules = new Dictionary<string, GuardRule>
        {
            [SignalNames.ReplicationLagBytes] = new() { PauseAt = 512 * 1024, ResumeBelow = 128 * 1024 },
            [SignalNames.HeartbeatLagSeconds] = new() { PauseAt = 1, ResumeBelow = 0.5 },
        },
    };

    [Fact]
    public async Task ReplayPausedOnTheStandby_PausesWithinAFewPolls_AndReplayResumeMakesItProceedAgain()
    {
        // Given guards watching the standby (pg_stat_replication + heartbeat) and a primary taking writes
        var before = await _db.InvariantsAsync();
        await using var guards = await GuardSet.CreateAsync(_db.Primary, Options(), CancellationToken.None);
        var (_, healthy) = await PollUntilAsync(guards, ThrottleAction.Proceed); // the standby may still be replaying the seed
        healthy.Action.ShouldBe(ThrottleAction.Proceed, healthy.Reason);
        await using var standby = _db.NewDataSource("test-standby-admin", standby: true);
        using var stopWrites = new CancellationTokenSource();
        var writes = WriteContinuouslyAsync(stopWrites.Token);

        try
        {
            // When replay is paused on the standby
            await ExecAsync(standby, "SELECT pg_wal_replay_pause()");
            var (pausePolls, paused) = await PollUntilAsync(guards, ThrottleAction.Pause);

            // Then the guard pauses within a few polls, naming the standby and the lag
            paused.Action.ShouldBe(ThrottleAction.Pause, paused.Reason);
            pausePolls.ShouldBeLessThan(MaxPolls);
            paused.Reason.ShouldNotBeNull().ShouldContain("standby standby1");
            paused.Source.ShouldBeOneOf("guard:replication_lag_bytes", "guard:heartbeat_lag_seconds");

            // When the writes that built the lag stop and replay resumes (a writer that never stops could keep a starved
            // standby just above resume_below on a loaded machine; draining is what is asserted)
            await stopWrites.CancelAsync();
            await writes;
            await ExecAsync(standby, "SELECT pg_wal_replay_resume()");
            var (resumePolls, resumed) = await PollUntilAsync(guards, ThrottleAction.Proceed);

            // Then it proceeds again
            resumed.Action.ShouldBe(ThrottleAction.Proceed, resumed.Reason);
            resumePolls.ShouldBeLessThan(MaxPolls);
        }
        finally
        {
            await ExecAsync(standby, "SELECT pg_wal_replay_resume()");
            await stopWrites.CancelAsync();
            await writes;
        }

        // And the journal holds the pause (with the lag values that caused it) followed by the resume
        var rows = await GuardJournalRows.ReadAsync(_db.Primary);
        var pause = rows.Last(r => r.Action == "pause");
        pause.Message.ShouldContain("standby standby1");
        pause.Data.ShouldContain("\"value\":");
        rows.Last().Action.ShouldBe("proceed");
        pause.Id.ShouldBeLessThan(rows[^1].Id);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    [Fact]
    public async Task StoppedStandby_PausesBecauseTheLagCannotBeRead_AndProceedsOnceItIsBack()
    {
        // Given healthy guards on a running standby
        var before = await _db.InvariantsAsync();
        await using var guards = await GuardSet.CreateAsync(_db.Primary, Options(), CancellationToken.None);
        var (_, healthy) = await PollUntilAsync(guards, ThrottleAction.Proceed); // the standby may still be replaying the seed
        healthy.Action.ShouldBe(ThrottleAction.Proceed, healthy.Reason);
        var mark = (await GuardJournalRows.ReadAsync(_db.Primary)).LastOrDefault()?.Id ?? 0;

        ThrottleDecision stopped;
        try
        {
            // When the standby stops
            await _db.Cluster.StopStandbyAsync(StandbyCluster.StandbyName, CancellationToken.None);
            stopped = await guards.BeforeBatchAsync(Batch, CancellationToken.None);
        }
        finally
        {
            await StandbyCluster.EnsureRunningAsync();
        }

        // Then the guard fails closed: Pause, saying what it could not read
        stopped.Action.ShouldBe(ThrottleAction.Pause);
        stopped.Reason.ShouldNotBeNull().ShouldStartWith("cannot read");
        stopped.Reason.ShouldContain("standby1");
        var journaled = await GuardJournalRows.ReadAsync(_db.Primary, mark);
        journaled.ShouldContain(r => r.Action == "pause" && r.Message.Contains("cannot read"));

        // And once the standby streams again, it proceeds
        var (_, back) = await PollUntilAsync(guards, ThrottleAction.Proceed);
        back.Action.ShouldBe(ThrottleAction.Proceed, back.Reason);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    private static async Task<(int Polls, ThrottleDecision Last)> PollUntilAsync(GuardSet guards, ThrottleAction wanted)
    {
        var last = ThrottleDecision.Proceed;
        for (var poll = 1; poll <= MaxPolls; poll++)
        {
            last = await guards.BeforeBatchAsync(Batch, CancellationToken.None);
            if (last.Action == wanted) return (poll, last);
            await Task.Delay(250);
        }
        return (MaxPolls, last);
    }

    private async Task WriteContinuouslyAsync(CancellationToken ct)
    {
        await using var source = _db.NewDataSource("test-writer");
        await ExecAsync(source, "CREATE TABLE IF NOT EXISTS churn (id bigserial PRIMARY KEY, payload text)");
        while (!ct.IsCancellationRequested)
        {
            await ExecAsync(source, "INSERT INTO churn (payload) SELECT repeat('x', 200) FROM generate_series(1, 200)");
            try { await Task.Delay(20, ct); } catch (OperationCanceledException) { break; }
        }
    }

    private static async Task ExecAsync(NpgsqlDataSource source, string sql)
    {
        await using var cmd = source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
