using Switchyard.Core.Execution;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Spec;

/// <summary>The spec's optional <c>validation:</c> section: what the migrated table's money means.</summary>
public static partial class SpecLoader
{
    internal sealed partial class Reader
    {
        public ReconciliationSettings Validation(YamlNode node, IReadOnlyList<SpecOperation> operations)
        {
            var map = Map(node, "validation", "`validation: { time_column: created_at, amount_column: amount_minor }`");
            Only(map, "time_column", "amount_column", "balance_group_column", "balances", "child_tables", "report_columns", "compat_view", "thresholds");
            var defaults = new ReconciliationSettings();
            var target = operations.OfType<NormalizeColumnOperation>().FirstOrDefault()?.Target;
            var codes = target?.Codes;
            var table = target?.Table;
            return defaults with
            {
                TimeColumn = OptionalIdentifier(map, "time_column") ?? defaults.TimeColumn,
                AmountColumn = OptionalIdentifier(map, "amount_column") ?? defaults.AmountColumn,
                BalanceGroupColumn = OptionalIdentifier(map, "balance_group_column") ?? defaults.BalanceGroupColumn,
                BalanceBuckets = Optional(map, "balances") is { } b ? Balances(b, codes) : [],
                ChildTables = Optional(map, "child_tables") is { } c ? Children(c, table?.Schema ?? "public") : [],
                ReportColumns = Optional(map, "report_columns") is { } r ? [.. Columns(r, "report_columns").Select((c, i) => Identifier(((YamlSequenceNode)r).Children[i], "report_columns"))] : [],
                CompatView = Optional(map, "compat_view") is { } v ? Relation(v, "compat_view", table?.Schema ?? "public") : null,
            };
        }

        /// <summary>Failures each named check may report and still pass (the default is none).</summary>
        public Dictionary<string, long> Thresholds(YamlNode validation)
        {
            var thresholds = new Dictionary<string, long>(StringComparer.Ordinal);
            if (validation is not YamlMappingNode map || Optional(map, "thresholds") is not { } node) return thresholds;
            var known = ValidationSuite.AllChecks.Select(c => c.Name).ToList();
            foreach (var (checkNode, valueNode) in Map(node, "thresholds", "`thresholds: { sampling: 0, mismatch: 0 }`").Children)
            {
                var check = Text(checkNode, "check");
                if (!known.Contains(check))
                    throw Error(checkNode, $"unknown check '{check}'.", $"Known checks: {string.Join(", ", known)}.");
                var text = Text(valueNode, check);
                if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var allowed))
                    throw Error(valueNode, $"the threshold of '{check}' must be a whole number of failures, zero or more; got '{text}'.", $"Write e.g. `{check}: 0` (no failure allowed, the default).");
                thresholds[check] = allowed;
            }
            return thresholds;
        }

        private List<BalanceBucket> Balances(YamlNode node, IReadOnlyList<string>? codes)
        {
            var buckets = new List<BalanceBucket>();
            foreach (var (nameNode, codesNode) in Map(node, "balances", "`balances: { held: [authorized, captured], settled: [settled] }`").Children)
            {
                var name = Text(nameNode, "balance name");
                var bucketCodes = Columns(codesNode, name);
                var unknown = codes is null ? null : ((YamlSequenceNode)codesNode).Children.FirstOrDefault(c => !codes.Contains(Text(c, name)));
                if (unknown is not null)
                    throw Error(unknown, $"balance '{name}' names code '{Text(unknown, name)}', which is not one of the lookup codes.", $"Use codes from normalize_column's lookup: {string.Join(", ", codes!)}.");
                buckets.Add(new BalanceBucket(name, bucketCodes));
            }
            return buckets;
        }

        private List<ChildTable> Children(YamlNode node, string schema)
        {
            if (node is not YamlSequenceNode seq)
                throw Error(node, "'child_tables' must be a list.", "Write `child_tables: [{ table: chargebacks, key: transaction_id, amount: amount_minor }]`.");
            return [.. seq.Children.Select(item =>
            {
                var map = Map(item, "child table", "`{ table: chargebacks, key: transaction_id, amount: amount_minor }`");
                Only(map, "table", "key", "amount");
                return new ChildTable(Relation(Required(map, "table", "`table: chargebacks`"), "table", schema), RequiredIdentifier(map, "key", "transaction_id"), RequiredIdentifier(map, "amount", "amount_minor"));
            })];
        }

        private List<string> Columns(YamlNode node, string key) =>
            node is YamlSequenceNode seq ? [.. seq.Children.Select(c => Text(c, key))]
                : throw Error(node, $"'{key}' must be a list.", $"Write `{key}: [a, b]`.");
    }
}
