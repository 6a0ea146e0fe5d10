using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Core.Runbook.Scale;

namespace Switchyard.Cli.Commands;

/// <summary>The runbook's full-scale options: <c>--rows N</c> adds the "Planned at full scale" section; the rest refine it.</summary>
internal sealed class ScaleOptions
{
    private readonly Option<long?> _rows = CliOptions.OptionalNumber("--rows", "Estimate every phase for this many rows (e.g. 10000000000) from this table's measured rates, naming the bottleneck (backfill rate, replica apply, I/O).", 1L, long.MaxValue, "10000000000");
    private readonly Option<int> _shards = CliOptions.Number("--shards", "With --rows: split the rows evenly over this many shards, each with its own replicas; shows per-shard and fleet time.", 1, 1, 100_000, "8");
    private readonly Option<double?> _replicaApply = CliOptions.OptionalNumber("--replica-apply-mb-per-second", "With --rows: WAL MB/s a standby replays. Default: measured from pg_stat_replication when a standby is behind, else 50.", 0.001, double.MaxValue, "50");
    private readonly Option<double?> _walPerRow = CliOptions.OptionalNumber("--wal-bytes-per-row", "With --rows: WAL bytes the backfill writes per row. Default: the last `bench backfill` of the table, else 800.", 1d, double.MaxValue, "800");
    private readonly Option<double?> _io = CliOptions.OptionalNumber("--io-mb-per-second", "With --rows: disk write bandwidth of each primary (WAL plus heap). Default: 200.", 0.001, double.MaxValue, "200");
    private readonly Option<double> _lagThreshold = CliOptions.Number("--lag-threshold-seconds", "With --rows: replication lag at which the guards pause the backfill.", ScaleDefaults.LagThresholdSeconds, 0.1, 86_400d, "10");

    private IEnumerable<Option> Refinements => [_shards, _replicaApply, _walPerRow, _io, _lagThreshold];

    public void AddTo(Command command)
    {
        command.Options.Add(_rows);
        foreach (var o in Refinements) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            if (r.GetResult(_rows) is null && Refinements.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } lone)
                r.AddError($"{lone.Name} refines the full-scale estimate: add --rows N, e.g. --rows 10000000000.");
        });
    }

    /// <summary>The operator's full-scale request; null when --rows was not given.</summary>
    public ScaleOverrides? Read(ParseResult parse) => parse.GetValue(_rows) is { } rows
        ? new ScaleOverrides
        {
            Rows = rows,
            Shards = parse.GetValue(_shards),
            ReplicaApplyMBPerSecond = parse.GetValue(_replicaApply),
            WalBytesPerRow = parse.GetValue(_walPerRow),
            IoMBPerSecond = parse.GetValue(_io),
            LagThresholdSeconds = parse.GetValue(_lagThreshold),
        }
        : null;
}
