using Switchyard.Core.Execution;
using Switchyard.Core.Operations.DropColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// <c>normalize_column</c>: legacy text column → lookup table + foreign-key column, kept in sync by a dual-write
/// trigger, backfilled, proven by the completeness gate (or the full validation suite), then read by flag in Cutover.
/// </summary>
public sealed record NormalizeColumnOperation(NormalizationTarget Target) : UnitOperation
{
    public override string Kind => "normalize_column";

    public override QualifiedName Table => Target.Table;

    public override string Summary =>
        $"{Target.Table}.{Target.SourceColumn} → {Target.LookupTable} ({string.Join(", ", Target.Codes)}) + {Target.TargetColumn}";

    public override OperationBrief Brief => new(
        $"Replaces text column {Target.Table}.{Target.SourceColumn} with lookup table {Target.LookupTable} and column {Target.TargetColumn}: a dual-write trigger in Expand, a batched backfill, validation of every row, then reads move to the new column by flag in Cutover.",
        $"The old version keeps writing {Target.SourceColumn} only; the trigger fills {Target.TargetColumn} for it. The new version writes both and reads by flag; Cutover moves its reads step by step and can move them back at once.");

    /// <summary>The flag key: schema.table.column of the legacy column.</summary>
    public override string FlagKey => $"{Target.Table.Schema}.{Target.Table.Name}.{Target.SourceColumn}";

    public override IEnumerable<CatalogNeed> Needs =>
        [new(Target.Table, null), new(Target.Table, Target.SourceColumn, "column"), new(Target.Table, Target.KeyColumn, "key")];

    public override IEnumerable<CatalogNeed> Creates => [new(Target.LookupTable, null), new(Target.Table, Target.TargetColumn)];

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static NormalizeColumnOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "column", "key", "target_column", "lookup", "normalize", "aliases", "unmapped");
        var table = r.Table(map);
        var lookupNode = r.Map(r.Required(map, "lookup", "`lookup: { table: transaction_state, codes: [...] }`"), "lookup", "`{ table: transaction_state, id: id, code: code, codes: [...] }`");
        r.Only(lookupNode, "table", "id", "code", "codes");
        var codes = r.TextList(lookupNode, "codes", "authorized, settled");
        foreach (var c in ((YamlSequenceNode)r.Required(lookupNode, "codes", "")).Children) r.Code(c, "code");
        var dup = codes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw r.Error(r.Required(lookupNode, "codes", ""), $"code '{dup.Key}' is listed twice.", "List each code once.");

        bool trim = false, lower = false;
        if (SpecLoader.Reader.Optional(map, "normalize") is { } normNode)
        {
            if (normNode is not YamlSequenceNode norm) throw r.Error(normNode, "'normalize' must be a list.", "Write `normalize: [trim, lower]`.");
            foreach (var n in norm.Children)
            {
                switch (r.Text(n, "normalize"))
                {
                    case "trim": trim = true; break;
                    case "lower": lower = true; break;
                    case var other: throw r.Error(n, $"unknown normalization '{other}'.", "Use trim and/or lower.");
                }
            }
        }
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (SpecLoader.Reader.Optional(map, "aliases") is { } aliasNode)
        {
            var am = r.Map(aliasNode, "aliases", "`aliases: { setled: settled }`");
            if (am.Children.Count > SpecLimits.MaxAliases)
                throw r.Error(aliasNode, $"{am.Children.Count} aliases; one normalize_column may list at most {SpecLimits.MaxAliases}.",
                    "Clean the legacy values first, or map the rest with `unmapped: { map_to: <code> }`.");
            foreach (var (k, v) in am.Children)
            {
                r.Code(k, "alias");
                var code = r.Text(v, "alias target");
                if (!codes.Contains(code))
                    throw r.Error(v, $"alias '{r.Text(k, "alias")}' maps to '{code}', which is not one of the lookup codes.", $"Map it to one of: {string.Join(", ", codes)}.");
                aliases[r.Text(k, "alias")] = code;
            }
        }
        var unmapped = UnmappedPolicy.Fail;
        if (SpecLoader.Reader.Optional(map, "unmapped") is { } un)
        {
            unmapped = un switch
            {
                YamlScalarNode { Value: "fail" } => UnmappedPolicy.Fail,
                YamlScalarNode { Value: "add_to_lookup" } => new UnmappedPolicy(UnmappedAction.AddToLookup),
                YamlMappingNode m when SpecLoader.Reader.Optional(m, "map_to") is { } to && m.Children.Count == 1 => codes.Contains(r.Code(to, "map_to"))
                    ? new UnmappedPolicy(UnmappedAction.MapTo, r.Text(to, "map_to"))
                    : throw r.Error(to, $"map_to '{r.Text(to, "map_to")}' is not one of the lookup codes.", $"Use one of: {string.Join(", ", codes)}, or add it to lookup.codes."),
                _ => throw r.Error(un, "unknown unmapped policy.", "Write `unmapped: fail`, `unmapped: { map_to: <code> }` or `unmapped: add_to_lookup`."),
            };
        }
        var target = new NormalizationTarget(table, r.OptionalIdentifier(map, "key") ?? "id", r.RequiredIdentifier(map, "column", "status"),
            r.RequiredIdentifier(map, "target_column", "state_id"), r.Relation(r.Required(lookupNode, "table", "`table: transaction_state`"), "table", table.Schema),
            r.OptionalIdentifier(lookupNode, "id") ?? "id", r.OptionalIdentifier(lookupNode, "code") ?? "code", trim, lower, aliases, unmapped, codes);
        return new NormalizeColumnOperation(target);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sourceDropped = context.Operations.OfType<DropColumnOperation>().Any(d => d.Table == Target.Table && d.Column == Target.SourceColumn);
        return NormalizeColumnSteps.Plan(Target, FlagKey, sourceDropped);
    }

    public override IEnumerable<string> GoNoGo(MigrationPhase phase, Runbook.RunbookFacts facts) => NormalizationRunbook.GoNoGo(Target, phase, facts);

    /// <summary>Exact, before Expand: under fail every unmapped value (NULL and '' included) refuses; under add_to_lookup NULL does (it cannot become a code).</summary>
    public override async Task CheckLiveAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        var t = Target;
        if (t.Unmapped.Action == UnmappedAction.MapTo) return;
        var listing = await UnmappedLegacyValues.ReadAsync(sql, t, t.Codes, UnmappedPreflight.SampleKeys, ct).ConfigureAwait(false);
        if (t.Unmapped.Action == UnmappedAction.AddToLookup)
            listing = listing with { Values = [.. listing.Values.Where(v => v.Value is null)], DistinctValues = listing.HasNull ? 1 : 0, Rows = listing.Values.Where(v => v.Value is null).Sum(v => v.Rows) };
        if (listing.Values.Count == 0) return;
        var why = t.Unmapped.Action == UnmappedAction.AddToLookup ? "NULL cannot be added to the lookup as a code" : "they map to no code";
        throw new SpecException(At(FieldLocations.ContainsKey("unmapped") ? "unmapped" : "aliases"),
            $"{t.Table}.{t.SourceColumn} has legacy values the policy unmapped: {t.Unmapped} cannot take ({why} in {t.LookupTable}) — {listing}. Nothing was created.",
            UnmappedLegacyValues.Hint(t, listing));
    }
}
