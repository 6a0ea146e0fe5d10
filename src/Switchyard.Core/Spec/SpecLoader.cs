using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Spec;

/// <summary>
/// Reads a YAML migration spec with YamlDotNet's representation model, which keeps each node's start mark, so every
/// error names file:line:col, what is wrong and how to fix it.
/// </summary>
public static partial class SpecLoader
{
    private static readonly string[] OperationKinds =
        ["create_table", "add_column", "normalize_column", "create_index", "add_foreign_key", "set_not_null", "drop_column", "raw_sql"];

    public static MigrationSpec LoadFile(string path)
    {
        if (!File.Exists(path))
            throw new SpecException(new SpecLocation(path, 0, 0), "spec file not found.", "Pass the path of a YAML spec, e.g. migrations/001-normalize-status.yaml.");
        if (Directory.Exists(path))
            throw new SpecException(new SpecLocation(path, 0, 0), "the spec path is a directory.", "Pass the path of a YAML spec file.");
        return Load(SpecLimits.ReadFile(path), path);
    }

    public static MigrationSpec Load(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(SpecLimits.Parser(text, file));
        }
        catch (YamlException e)
        {
            throw new SpecException(new SpecLocation(file, (int)e.Start.Line, (int)e.Start.Column), $"malformed YAML: {Reason(e)}",
                "Fix the YAML syntax at that position (indentation, a missing ':' or an unclosed quote or bracket).");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SpecException(new SpecLocation(file, 1, 1), "the spec must be a mapping with 'migration' and 'operations'.",
                "Start the file with `migration: <name>` and an `operations:` list.");
        if (Operations.Pgroll.PgrollMigrationLoader.IsPgroll(root)) return Operations.Pgroll.PgrollMigrationLoader.Load(root, text, file);
        var reader = new Reader(file);
        reader.Only(root, "migration", "description", "operations", "guards", "validation");
        var nameNode = reader.Required(root, "migration", "`migration: 001-my-change`");
        var name = reader.Text(nameNode, "migration");
        var opsNode = reader.Required(root, "operations", "an `operations:` list");
        if (opsNode is not YamlSequenceNode ops || ops.Children.Count == 0)
            throw reader.Error(opsNode, "'operations' must be a non-empty list.", "Write `operations:` followed by `- normalize_column: {...}` items.");
        var operations = ops.Children.Select(reader.Operation).ToList();
        var guardsNode = Reader.Optional(root, "guards");
        var validationNode = Reader.Optional(root, "validation");
        return new MigrationSpec(name, operations, text, Path.GetFullPath(file))
        {
            NameLocation = reader.At(nameNode),
            Guards = guardsNode is null ? SpecGuards.None : reader.Guards(guardsNode),
            Validation = validationNode is null ? null : reader.Validation(validationNode, operations),
            ValidationThresholds = validationNode is null ? new Dictionary<string, long>() : reader.Thresholds(validationNode),
            IdentityText = guardsNode is null ? null : WithoutGuards(root),
        };
    }

    private static string Reason(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var idx = message.IndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 && message.StartsWith('(') ? message[(idx + 3)..] : message;
    }

    private sealed partial class Reader(string file)
    {
        public SpecLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

        public SpecException Error(YamlNode node, string message, string hint) => new(At(node), message, hint);

        public void Only(YamlMappingNode map, params string[] allowed)
        {
            foreach (var key in map.Children.Keys)
            {
                var k = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(k))
                    throw Error(key, $"unknown key '{k}'.", $"Allowed here: {string.Join(", ", allowed)}.");
            }
        }

        public YamlNode Required(YamlMappingNode map, string key, string example) =>
            Optional(map, key) ?? throw Error(map, $"missing '{key}'.", $"Add {example}.");

        public static YamlNode? Optional(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        public string Text(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Error(node, $"'{what}' must be a non-empty text value.", $"Write `{what}: <value>`.");

        public string RequiredText(YamlMappingNode map, string key, string example) => Text(Required(map, key, $"`{key}: {example}`"), key);

        public string? OptionalText(YamlMappingNode map, string key) => Optional(map, key) is { } n ? Text(n, key) : null;

        /// <summary>
        /// A name that becomes a PostgreSQL identifier: at most 63 bytes (PostgreSQL would silently cut a longer one,
        /// and the catalog checks would then look for a name that does not exist) and no control characters.
        /// </summary>
        public string Identifier(YamlNode node, string what) => Identifier(Text(node, what), node, what);

        private string Identifier(string name, YamlNode node, string what)
        {
            if (IdentifierRule.Check(name, $"'{what}'") is { } bad) throw Error(node, bad.Problem, bad.Hint);
            return name;
        }

        public string RequiredIdentifier(YamlMappingNode map, string key, string example) => Identifier(Required(map, key, $"`{key}: {example}`"), key);

        public string? OptionalIdentifier(YamlMappingNode map, string key) => Optional(map, key) is { } n ? Identifier(n, key) : null;

        /// <summary>A <c>table</c> or <c>schema.table</c> whose parts are identifiers.</summary>
        public QualifiedName Relation(YamlNode node, string what, string defaultSchema = "public")
        {
            var name = QualifiedName.Parse(Text(node, what), defaultSchema);
            Identifier(name.Schema, node, what + " schema");
            Identifier(name.Name, node, what);
            return name;
        }

        /// <summary>A code or alias: data the mapping compares, so never empty and never holding control characters.</summary>
        public string Code(YamlNode node, string what)
        {
            var value = Text(node, what);
            if (value.Any(char.IsControl))
                throw Error(node, $"{what} '{Printable(value)}' contains a control character.", "Remove tabs, newlines and other control characters; with `normalize: [trim]` surrounding whitespace is stripped anyway.");
            if (value.All(c => char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF'))
                throw Error(node, $"{what} is only whitespace.", "Write a non-empty code or alias.");
            // Codes and aliases are unique keys of the lookup and alias tables: a btree entry holds about 2.7 kB.
            if (System.Text.Encoding.UTF8.GetByteCount(value) > SpecLimits.MaxValueBytes)
                throw Error(node, $"{what} is longer than {SpecLimits.MaxValueBytes} bytes (the limit).", "Use a shorter code or alias.");
            return value;
        }

        private static string Printable(string value) =>
            string.Concat(value.Take(40).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

        public bool Bool(YamlMappingNode map, string key, bool fallback)
        {
            if (Optional(map, key) is not { } n) return fallback;
            return Text(n, key).ToLowerInvariant() switch
            {
                "true" or "yes" => true,
                "false" or "no" => false,
                var other => throw Error(n, $"'{key}' must be true or false, got '{other}'.", $"Write `{key}: true` or `{key}: false`."),
            };
        }

        public IReadOnlyList<string> TextList(YamlMappingNode map, string key, string example)
        {
            var node = Required(map, key, $"`{key}: [{example}]`");
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
                throw Error(node, $"'{key}' must be a non-empty list.", $"Write `{key}: [{example}]`.");
            return [.. seq.Children.Select(c => Text(c, key))];
        }

        public YamlMappingNode Map(YamlNode node, string what, string example) =>
            node as YamlMappingNode ?? throw Error(node, $"'{what}' must be a mapping.", $"Write it as {example}.");

        private Dictionary<string, SpecLocation> Fields(YamlMappingNode map) =>
            map.Children.Where(c => c.Key is YamlScalarNode).ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => At(c.Value));

        public SpecOperation Operation(YamlNode item)
        {
            if (item is not YamlMappingNode { Children.Count: 1 } wrapper)
                throw Error(item, "each operation is a mapping with exactly one key naming the operation.", $"Write `- normalize_column: {{...}}`; known operations: {string.Join(", ", OperationKinds)}.");
            var (keyNode, body) = wrapper.Children.First();
            var kind = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!OperationKinds.Contains(kind))
            {
                var guess = OperationKinds.FirstOrDefault(k => k.Contains(kind, StringComparison.OrdinalIgnoreCase) || kind.Contains(k, StringComparison.OrdinalIgnoreCase));
                throw Error(keyNode, $"unknown operation '{kind}'.",
                    (guess is null ? "" : $"Did you mean '{guess}'? ") + $"Known operations: {string.Join(", ", OperationKinds)}.");
            }
            var map = Map(body, kind, $"`{kind}: {{ table: ..., ... }}`");
            SpecOperation op = kind switch
            {
                "create_table" => CreateTable(map),
                "add_column" => AddColumn(map),
                "normalize_column" => Normalize(map),
                "create_index" => CreateIndex(map),
                "add_foreign_key" => ForeignKey(map),
                "set_not_null" => NotNull(map),
                "drop_column" => DropColumn(map),
                "raw_sql" => RawSql(map),
                _ => throw Error(keyNode, $"operation '{kind}' is listed but has no parser.", "Report this as a bug."),
            };
            return op with { Location = At(keyNode), FieldLocations = Fields(map) };
        }

        private QualifiedName Table(YamlMappingNode map, string key = "table") => Relation(Required(map, key, "`table: transactions`"), key);

        private ColumnDefinition Column(YamlNode node)
        {
            var map = Map(node, "column", "`{ name: note, type: text }`");
            Only(map, "name", "type", "nullable", "default", "primary_key");
            return new ColumnDefinition(RequiredIdentifier(map, "name", "note"), RequiredText(map, "type", "text"), Bool(map, "nullable", true),
                OptionalText(map, "default"), Bool(map, "primary_key", false));
        }

        private CreateTableOperation CreateTable(YamlMappingNode map)
        {
            Only(map, "table", "columns", "seed");
            var columnsNode = Required(map, "columns", "`columns: [{ name: id, type: bigint, primary_key: true }]`");
            if (columnsNode is not YamlSequenceNode cols || cols.Children.Count == 0)
                throw Error(columnsNode, "'columns' must be a non-empty list.", "Write `columns: [{ name: id, type: bigint, primary_key: true }]`.");
            var columns = cols.Children.Select(Column).ToList();
            var seed = new List<IReadOnlyDictionary<string, string?>>();
            if (Optional(map, "seed") is { } seedNode)
            {
                if (seedNode is not YamlSequenceNode rows) throw Error(seedNode, "'seed' must be a list of rows.", "Write `seed: [{ code: settled }]`.");
                foreach (var row in rows.Children)
                {
                    var r = Map(row, "seed row", "`{ column: value }`");
                    var values = new Dictionary<string, string?>();
                    foreach (var (k, v) in r.Children)
                    {
                        var col = Text(k, "column");
                        if (columns.All(c => c.Name != col))
                            throw Error(k, $"seed row names column '{col}', which the table does not define.", $"Use one of: {string.Join(", ", columns.Select(c => c.Name))}.");
                        values[col] = (v as YamlScalarNode)?.Value;
                    }
                    seed.Add(values);
                }
            }
            return new CreateTableOperation(Table(map), columns, seed);
        }

        private AddColumnOperation AddColumn(YamlMappingNode map)
        {
            Only(map, "table", "name", "type", "nullable", "default");
            var column = new ColumnDefinition(RequiredIdentifier(map, "name", "note"), RequiredText(map, "type", "text"), Bool(map, "nullable", true), OptionalText(map, "default"));
            if (!column.Nullable && column.Default is null)
                throw Error(map, $"add_column '{column.Name}' is NOT NULL without a default: existing rows would violate it.",
                    "Add it nullable, backfill it, then use set_not_null; or give a constant default.");
            return new AddColumnOperation(Table(map), column);
        }

        private NormalizeColumnOperation Normalize(YamlMappingNode map)
        {
            Only(map, "table", "column", "key", "target_column", "lookup", "normalize", "aliases", "unmapped");
            var table = Table(map);
            var lookupNode = Map(Required(map, "lookup", "`lookup: { table: transaction_state, codes: [...] }`"), "lookup", "`{ table: transaction_state, id: id, code: code, codes: [...] }`");
            Only(lookupNode, "table", "id", "code", "codes");
            var codes = TextList(lookupNode, "codes", "authorized, settled");
            foreach (var c in ((YamlSequenceNode)Required(lookupNode, "codes", "")).Children) Code(c, "code");
            var dup = codes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null) throw Error(Required(lookupNode, "codes", ""), $"code '{dup.Key}' is listed twice.", "List each code once.");

            bool trim = false, lower = false;
            if (Optional(map, "normalize") is { } normNode)
            {
                if (normNode is not YamlSequenceNode norm) throw Error(normNode, "'normalize' must be a list.", "Write `normalize: [trim, lower]`.");
                foreach (var n in norm.Children)
                {
                    switch (Text(n, "normalize"))
                    {
                        case "trim": trim = true; break;
                        case "lower": lower = true; break;
                        case var other: throw Error(n, $"unknown normalization '{other}'.", "Use trim and/or lower.");
                    }
                }
            }
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Optional(map, "aliases") is { } aliasNode)
            {
                var am = Map(aliasNode, "aliases", "`aliases: { setled: settled }`");
                if (am.Children.Count > SpecLimits.MaxAliases)
                    throw Error(aliasNode, $"{am.Children.Count} aliases; one normalize_column may list at most {SpecLimits.MaxAliases}.",
                        "Clean the legacy values first, or map the rest with `unmapped: { map_to: <code> }`.");
                foreach (var (k, v) in am.Children)
                {
                    Code(k, "alias");
                    var code = Text(v, "alias target");
                    if (!codes.Contains(code))
                        throw Error(v, $"alias '{Text(k, "alias")}' maps to '{code}', which is not one of the lookup codes.", $"Map it to one of: {string.Join(", ", codes)}.");
                    aliases[Text(k, "alias")] = code;
                }
            }
            var unmapped = UnmappedPolicy.Fail;
            if (Optional(map, "unmapped") is { } un)
            {
                unmapped = un switch
                {
                    YamlScalarNode { Value: "fail" } => UnmappedPolicy.Fail,
                    YamlScalarNode { Value: "add_to_lookup" } => new UnmappedPolicy(UnmappedAction.AddToLookup),
                    YamlMappingNode m when Optional(m, "map_to") is { } to && m.Children.Count == 1 => codes.Contains(Code(to, "map_to"))
                        ? new UnmappedPolicy(UnmappedAction.MapTo, Text(to, "map_to"))
                        : throw Error(to, $"map_to '{Text(to, "map_to")}' is not one of the lookup codes.", $"Use one of: {string.Join(", ", codes)}, or add it to lookup.codes."),
                    _ => throw Error(un, "unknown unmapped policy.", "Write `unmapped: fail`, `unmapped: { map_to: <code> }` or `unmapped: add_to_lookup`."),
                };
            }
            var target = new NormalizationTarget(table, OptionalIdentifier(map, "key") ?? "id", RequiredIdentifier(map, "column", "status"),
                RequiredIdentifier(map, "target_column", "state_id"), Relation(Required(lookupNode, "table", "`table: transaction_state`"), "table", table.Schema),
                OptionalIdentifier(lookupNode, "id") ?? "id", OptionalIdentifier(lookupNode, "code") ?? "code", trim, lower, aliases, unmapped, codes);
            return new NormalizeColumnOperation(target);
        }

        private CreateIndexOperation CreateIndex(YamlMappingNode map)
        {
            Only(map, "table", "columns", "name", "unique", "concurrently");
            if (Optional(map, "concurrently") is { } c && !Bool(map, "concurrently", true))
                throw Error(c, "create_index always builds CONCURRENTLY: a plain CREATE INDEX blocks every write for the whole build.", "Remove `concurrently: false`.");
            var table = Table(map);
            var columns = TextList(map, "columns", "state_id");
            foreach (var column in ((YamlSequenceNode)Required(map, "columns", "")).Children) Identifier(column, "columns");
            var name = OptionalIdentifier(map, "name") ?? Ident.Fit($"{table.Name}_{string.Join("_", columns)}_idx", $"{table}({string.Join(",", columns)})");
            return new CreateIndexOperation(table, name, columns, Bool(map, "unique", false));
        }

        private AddForeignKeyOperation ForeignKey(YamlMappingNode map)
        {
            Only(map, "table", "column", "references", "name");
            var table = Table(map);
            var column = RequiredIdentifier(map, "column", "state_id");
            var refs = Map(Required(map, "references", "`references: { table: transaction_state, column: id }`"), "references", "`{ table: transaction_state, column: id }`");
            Only(refs, "table", "column");
            return new AddForeignKeyOperation(table, column, Relation(Required(refs, "table", "`table: transaction_state`"), "table", table.Schema),
                OptionalIdentifier(refs, "column") ?? "id", OptionalIdentifier(map, "name") ?? Ident.Fit($"{table.Name}_{column}_fkey", $"{table}.{column}"));
        }

        private SetNotNullOperation NotNull(YamlMappingNode map)
        {
            Only(map, "table", "column");
            return new SetNotNullOperation(Table(map), RequiredIdentifier(map, "column", "state_id"));
        }

        private DropColumnOperation DropColumn(YamlMappingNode map)
        {
            Only(map, "table", "column", "compat_view");
            var table = Table(map);
            return new DropColumnOperation(table, RequiredIdentifier(map, "column", "status"),
                Optional(map, "compat_view") is { } v ? Relation(v, "compat_view", table.Schema) : null);
        }

        private RawSqlOperation RawSql(YamlMappingNode map)
        {
            Only(map, "up", "down", "phase", "table", "lock");
            var phaseText = OptionalText(map, "phase") ?? "expand";
            if (!Enum.TryParse<MigrationPhase>(phaseText, true, out var phase) || !Enum.IsDefined(phase))
                throw Error(Required(map, "phase", ""), $"unknown phase '{phaseText}'.", "Use expand, backfill, validate, cutover or contract.");
            var lockText = OptionalText(map, "lock") ?? "none";
            var mode = Enum.GetValues<LockMode>().FirstOrDefault(m => LockModes.SqlName(m).Equals(lockText.Replace('_', ' '), StringComparison.OrdinalIgnoreCase), (LockMode)(-1));
            if ((int)mode < 0)
                throw Error(Required(map, "lock", ""), $"unknown lock mode '{lockText}'.", "Use a PostgreSQL table lock mode such as access_exclusive or share_update_exclusive, or none.");
            var table = OptionalText(map, "table") is { } t ? QualifiedName.Parse(t) : null;
            if (mode != LockMode.None && table is null)
                throw Error(map, "raw_sql declares a lock but no table.", "Add `table: <the table the statement locks>`.");
            return new RawSqlOperation(RequiredText(map, "up", "CREATE ..."), OptionalText(map, "down"), phase, table, mode);
        }
    }

}
