using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Switchyard.Core.Validation;

/// <summary>
/// The condition "this row is not proven to map to its id", built from the lookup's codes read before a scan. The
/// codes are bind parameters (arrays), never SQL text: a code is a spec value, whatever it holds.
/// </summary>
/// <remarks>
/// Each row's place in the arrays is its id when every id is an integer from 1 to <see cref="MaxArrayId"/> and the
/// target column is smallint or integer (an element found by arithmetic); otherwise the id's position in a bound id
/// list. The quick proof compares the legacy value with a <c>name[]</c> element: a fixed-width element is found by
/// arithmetic (a text[] element by walking the ones before it), and <c>name = text COLLATE "C"</c> is a length test
/// and a memcmp. Codes over <see cref="MaxNameBytes"/> bytes, codes that do not map to themselves, and legacy columns
/// that are not text or varchar get no quick proof: those rows take the full mapping. Bound arrays are constants to
/// the planner (custom plans), so this costs what literal arrays cost, measured on the validate bench.
/// </remarks>
public sealed class IdCodeSql
{
    /// <summary>The largest id the array form indexes; above it the array would be mostly empty.</summary>
    public const int MaxArrayId = 1024;

    /// <summary>The longest code a <c>name</c> holds without truncating it (NAMEDATALEN − 1).</summary>
    public const int MaxNameBytes = 63;

    private static readonly string[] IndexableIdTypes = ["smallint", "integer"];
    private static readonly string[] NameComparableTypes = ["text", "character varying"];

    private readonly string?[] _codes;
    private readonly string?[] _self;
    private readonly string[]? _ids;
    private readonly string _state;
    private readonly bool _legacyIsText;

    private IdCodeSql(string?[] codes, string?[] self, string[]? ids, string state, bool legacyIsText)
    {
        _codes = codes;
        _self = self;
        _ids = ids;
        _state = state;
        _legacyIsText = legacyIsText;
    }

    /// <summary>
    /// The forms for <paramref name="codes"/> (most frequent first), the id column expression <paramref name="state"/>
    /// of type <paramref name="stateType"/>, and a legacy value of type <paramref name="legacyType"/> (null: unknown).
    /// </summary>
    public static IdCodeSql For(IReadOnlyList<LookupCode> codes, string state, string? stateType, string? legacyType)
    {
        var legacyIsText = legacyType is not null && NameComparableTypes.Contains(legacyType);
        if (ByIdOrNull(codes, stateType) is { } byId)
        {
            var positions = Enumerable.Range(1, byId.Keys.Max()).Select(id => byId.GetValueOrDefault(id)).ToList();
            return new([.. positions.Select(c => c?.Code)], [.. positions.Select(QuickProof)], null, state, legacyIsText);
        }
        return new([.. codes.Select(c => c.Code)], [.. codes.Select(QuickProof)], [.. codes.Select(c => c.Id)], state, legacyIsText);
    }

    /// <summary>Whether the id itself indexes the arrays (else its position in a bound id list).</summary>
    public bool Indexed => _ids is null;

    /// <summary>The code bound at each position (element i is the code of id i when <see cref="Indexed"/>).</summary>
    public IReadOnlyList<string?> Codes => _codes;

    /// <summary>The codes the quick proof accepts at each position (NULL: none).</summary>
    public IReadOnlyList<string?> QuickProofCodes => _self;

    /// <summary>
    /// <c>(legacy is exactly its id's code) IS NOT TRUE AND mapped IS DISTINCT FROM (its id's code)</c>, where
    /// <paramref name="mapped"/> is the full mapping of <paramref name="legacy"/>. Either half proves the row right
    /// because lookup codes are unique; the first settles almost every row with one element fetch and one comparison.
    /// </summary>
    public BoundSql Unproven(string legacy, string mapped)
    {
        var quick = _legacyIsText && _self.Any(c => c is not null);
        var values = new List<NpgsqlParameter> { BoundSql.TextArray(_codes) };
        if (quick) values.Add(new NpgsqlParameter { Value = _self, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Name });
        if (_ids is not null) values.Add(BoundSql.TextArray(_ids));
        return new BoundSql(first =>
        {
            var index = _ids is null ? _state : $"array_position(${first + values.Count - 1}::text[], {_state}::text)";
            var wrong = $"{mapped} IS DISTINCT FROM (${first}::text[])[{index}]";
            return quick ? $"((${first + 1}::name[])[{index}] = ({legacy} COLLATE \"C\")) IS NOT TRUE AND {wrong}" : wrong;
        }, values);
    }

    private static string? QuickProof(LookupCode? code) =>
        code is { SelfMapping: true } && Encoding.UTF8.GetByteCount(code.Code) <= MaxNameBytes ? code.Code : null;

    /// <summary>The codes by integer id, or null when an id is not an integer in 1..<see cref="MaxArrayId"/>, repeats, or the column type could overflow the subscript.</summary>
    private static Dictionary<int, LookupCode>? ByIdOrNull(IReadOnlyList<LookupCode> codes, string? stateType)
    {
        if (codes.Count == 0 || stateType is null || !IndexableIdTypes.Contains(stateType)) return null;
        var byId = new Dictionary<int, LookupCode>();
        foreach (var code in codes)
        {
            if (!int.TryParse(code.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1 || id > MaxArrayId || !byId.TryAdd(id, code))
                return null;
        }
        return byId;
    }
}
