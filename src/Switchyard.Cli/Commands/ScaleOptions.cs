using System.CommandLine;
using System.CommandLine.Parsing;
using Switchyard.Cli.Options;
using Switchyard.Core.Runbook.Scale;

namespace Switchyard.Cli.Commands;

/// <summary>The runbook's full-scale options: <c>--rows N</c> adds the "Planned at full scale" section; the rest refine it.</summary>
internal sealed class ScaleOptions
{
    private readonly Option<long?> _rows = CliOptions.OptionalNumber("--rows", "Estimate every phase for this many rows (e.g. 10000000000) from this table's measured rates, naming the bottleneck (backfill rate, replica apply, I/O).", 1L, long.MaxValue, "10000000000");
    private readonly Option<int> _shards;
    private readonly Option<double?> _replicaApply;
    private readonly Option<double?> _walPerRow;
    private readonly Option<double?> _io;
    private readonly Option<double> _lagThreshold;

    /// <summary><c>--fleet FILE</c>: the runbook from the fleet's first shard and, with --rows, each shard's own estimate.</summary>
    public Option<string?> Fleet { get; } = FleetCommands.FleetOption("A fleet file: the runbook from its first shard; with --rows, each shard's own measured rates, the rows split in proportion to each shard's current rows, and the fleet's time with phases in lockstep.");

    public ScaleOptions()
    {
        _shards = NeedsRows(CliOptions.Number("--shards", "With --rows: split the rows evenly over this many shards, each with its own replicas; shows per-shard and fleet time.", 1, 1, 100_000, "8"));
        // --shards assumes K identical shards; --fleet measures the real ones: the two answer the same question differently.
        _shards.Validators.Add(r =>
        {
            if (!r.Implicit && r.Parent is CommandResult command && command.GetResult(Fleet) is not null)
                r.AddError("--shards and --fleet both say how the rows are split: use --fleet FILE for the fleet's real shards, or --shards K for K identical ones.");
        });
        _replicaApply = NeedsRows(CliOptions.OptionalNumber("--replica-apply-mb-per-second", "With --rows: WAL MB/s a standby replays. Default: measured from pg_stat_replication when a standby is behind, else 50.", 0.001, double.MaxValue, "50"));
        _walPerRow = NeedsRows(CliOptions.OptionalNumber("--wal-bytes-per-row", "With --rows: WAL bytes the backfill writes per row. Default: the last `bench backfill` of the table, else 800.", 1d, double.MaxValue, "800"));
        _io = NeedsRows(CliOptions.OptionalNumber("--io-mb-per-second", "With --rows: disk write bandwidth of each primary (WAL plus heap). Default: 200.", 0.001, double.MaxValue, "200"));
        _lagThreshold = NeedsRows(CliOptions.Number("--lag-threshold-seconds", "With --rows: replication lag at which the guards pause the backfill.", ScaleDefaults.LagThresholdSeconds, 0.1, 86_400d, "10"));
    }

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Fleet, _rows, _shards, _replicaApply, _walPerRow, _io, _lagThreshold }) command.Options.Add(o);
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

    /// <summary>A refinement given without --rows is an error, but only once its value parsed: a bad value is reported as such.</summary>
    private Option<T> NeedsRows<T>(Option<T> option)
    {
        var parse = option.CustomParser!;
        option.CustomParser = r =>
        {
            var value = parse(r);
            if (r.Parent is OptionResult parsed && !parsed.Errors.Any() && parsed.Parent is CommandResult command && command.GetResult(_rows) is null)
                r.AddError($"{option.Name} refines the full-scale estimate: add --rows N, e.g. --rows 10000000000.");
            return value;
        };
        return option;
    }
}
