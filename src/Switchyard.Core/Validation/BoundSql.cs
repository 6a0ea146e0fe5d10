using Npgsql;
using NpgsqlTypes;

namespace Switchyard.Core.Validation;

/// <summary>
/// A piece of SQL whose values travel as bind parameters it carries, never as text. <see cref="At"/> numbers them
/// from the statement's first free parameter, so a check appends <see cref="Values"/> after its own ($1 and $2 of a
/// key range, say).
/// </summary>
public sealed class BoundSql
{
    private readonly Func<int, string> _text;

    public BoundSql(Func<int, string> text, IReadOnlyList<NpgsqlParameter> values)
    {
        _text = text;
        Values = values;
    }

    /// <summary>SQL without values.</summary>
    public static BoundSql Plain(string sql) => new(_ => sql, []);

    /// <summary>The parameters, in the order <see cref="At"/> numbers them.</summary>
    public IReadOnlyList<NpgsqlParameter> Values { get; }

    /// <summary>The SQL text with its parameters numbered from <c>$first</c>.</summary>
    public string At(int first) => _text(first);

    /// <summary>A text[] parameter (elements may be NULL).</summary>
    public static NpgsqlParameter TextArray(IEnumerable<string?> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary><paramref name="own"/> followed by <see cref="Values"/>, for a statement whose own parameters come first.</summary>
    public object?[] After(params object?[] own) => [.. own, .. Values];
}
