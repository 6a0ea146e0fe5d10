namespace Switchyard.Core.Planning;

/// <summary>
/// A boolean catalog query and its bound arguments. Table, column, constraint and index names reach the server as
/// parameters, never as literals in the query text.
/// </summary>
public sealed record CatalogProbe(string Sql, IReadOnlyList<object> Parameters)
{
    /// <summary>True when this probe is false: the same arguments, the query wrapped in NOT.</summary>
    public CatalogProbe Negated() => this with { Sql = $"SELECT NOT ({Sql})" };
}
