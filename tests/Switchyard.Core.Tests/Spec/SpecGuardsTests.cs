using Switchyard.Core.Guards;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Tests.Spec;

public sealed class SpecGuardsTests
{
    private const string Operations = "migration: x\noperations:\n  - add_column: {table: t, name: a, type: text}\n";

    [Fact]
    public void Load_GuardsWithUnitsAndDurations_OverrideOnlyWhatTheyName()
    {
        // When
        var spec = SpecLoader.Load(Operations + """
            guards:
              long_transaction_after: 2m
              rules:
                replication_lag_bytes: { pause_at: 32MiB, slow_delay: 250ms }
                mismatch_rate: { rollback_at: off }
            """, "spec.yaml");

        // Then
        spec.Guards.LongTransactionAfter.ShouldBe(TimeSpan.FromMinutes(2));
        var lag = spec.Guards.Rules[SignalNames.ReplicationLagBytes];
        lag.PauseAt.ShouldBe(32 * 1024 * 1024);
        lag.EffectiveResumeBelow.ShouldBe(16 * 1024 * 1024); // a new pause_at without resume_below resumes at half
        lag.SlowAt.ShouldBe(GuardRules.Defaults[SignalNames.ReplicationLagBytes].SlowAt);
        lag.SlowDelay.ShouldBe(TimeSpan.FromMilliseconds(250));
        spec.Guards.Rules[SignalNames.MismatchRate].RollbackAt.ShouldBeNull();
        spec.Guards.Rules[SignalNames.MismatchRate].PauseAt.ShouldBe(GuardRules.Defaults[SignalNames.MismatchRate].PauseAt);
        var options = spec.Guards.ApplyTo(new GuardOptions());
        options.LongTransactionAfter.ShouldBe(TimeSpan.FromMinutes(2));
        GuardRules.For(SignalNames.ReplicationLagBytes, options.Rules).ShouldBe(lag);
    }

    [Fact]
    public void Checksum_GuardsOrOperationsChange_IgnoresTheGuardsSectionButNotTheOperations()
    {
        var plain = SpecLoader.Load(Operations, "spec.yaml");
        var strict = SpecLoader.Load(Operations + "guards:\n  rules:\n    wal_bytes_per_second: { abort_at: 0 }\n", "spec.yaml");
        var loose = SpecLoader.Load(Operations + "guards:\n  rules:\n    wal_bytes_per_second: { abort_at: off }\n", "spec.yaml");
        var otherOperation = SpecLoader.Load(Operations.Replace("name: a", "name: b", StringComparison.Ordinal) + "guards:\n  rules:\n    wal_bytes_per_second: { abort_at: 0 }\n", "spec.yaml");

        strict.Checksum.ShouldBe(loose.Checksum);
        otherOperation.Checksum.ShouldNotBe(strict.Checksum);
        plain.Guards.ShouldBe(SpecGuards.None);
    }

    [Theory]
    [InlineData("guards:\n  rules:\n    replica_lag: { pause_at: 1 }\n", "spec.yaml:6:5", "unknown guard signal 'replica_lag'")]
    [InlineData("guards:\n  rules:\n    replication_lag_bytes: { pause_at: lots }\n", "spec.yaml:6:40", "'pause_at' must be a number")]
    [InlineData("guards:\n  rules:\n    replication_lag_bytes: { pause_at: 10MiB, resume_below: 20MiB }\n", "spec.yaml:6:28", "resume_below")]
    [InlineData("guards:\n  rules:\n    lock_wait_seconds: { pause_recheck: soon }\n", "spec.yaml:6:41", "'pause_recheck' must be a positive duration")]
    [InlineData("guards:\n  retries: 3\n", "spec.yaml:5:3", "unknown key 'retries'")]
    public void Load_BadGuards_NamesFileLineColAndHowToFix(string guards, string where, string what) =>
        SpecErrors.ShouldFailAt(Operations + guards, "spec.yaml", where, what);
}
