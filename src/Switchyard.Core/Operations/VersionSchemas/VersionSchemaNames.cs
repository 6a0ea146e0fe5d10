using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations.VersionSchemas;

/// <summary>
/// The two schemas of views a pgroll-format migration runs its application versions through: <see cref="New"/>
/// (<c>version_schema</c>, else the migration's name) shows the shape after the migration, <see cref="Previous"/>
/// (<c>&lt;new&gt;_previous</c>) the shape before it. Both are checked as identifiers when the file is read, so the
/// names an application sets in its <c>search_path</c> are exactly these (never silently cut).
/// </summary>
public sealed record VersionSchemaNames(string New, string Previous)
{
    /// <summary>The comment Switchyard puts on the schemas it creates, so it only ever drops its own.</summary>
    public const string Marker = "switchyard version schema";

    public const string PreviousSuffix = "_previous";

    /// <summary>Reads <c>version_schema</c> (optional) of a pgroll migration named <paramref name="migration"/>.</summary>
    public static VersionSchemaNames From(OperationFields top, string migration)
    {
        ArgumentNullException.ThrowIfNull(top);
        var given = top.OptionalText("version_schema");
        var node = top.Node(given is null ? "name" : "version_schema");
        var newName = given ?? migration;
        var previous = newName + PreviousSuffix;
        foreach (var (name, what) in new[] { (newName, "the version schema"), (previous, $"the previous version schema '{previous}'") })
        {
            if (IdentifierRule.Check(name, what) is not { } bad) continue;
            var hint = $"{bad.Hint} Set `version_schema:` to a name of at most {Execution.Ident.MaxBytes - PreviousSuffix.Length} bytes.";
            throw node is null ? new SpecException(top.Location, bad.Problem, hint) : top.Error(node, bad.Problem, hint);
        }
        if (newName.StartsWith("pg_", StringComparison.OrdinalIgnoreCase))
            throw new SpecException(top.Location, $"the version schema '{newName}' starts with pg_, which PostgreSQL reserves.", "Set `version_schema:` to another name.");
        return new VersionSchemaNames(newName, previous);
    }
}
