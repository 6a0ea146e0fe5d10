using System.Globalization;
using System.Text;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation;

/// <summary>
/// SQL for the lookup code of a row's target id, built from the lookup's codes read before a scan, and the quick
/// proof that a legacy value is exactly that code.
/// </summary>
/// <remarks>
/// When every id is an integer from 1 to <see cref="MaxArrayId"/> and the target column is smallint or integer, the
/// code is an element of a constant array indexed by the id. A <c>CASE id WHEN 3 THEN … WHEN 5 THEN …</c> tests ids
/// one by one, and on a table of mixed states its branches mispredict on most rows. The quick proof indexes a
/// <c>name[]</c>: a fixed-width element is found by arithmetic (a text[] element by walking the ones before it), and
/// <c>name = text COLLATE "C"</c> is a length test and a memcmp. Anything else (bigint or text ids, ids outside
/// 1..<see cref="MaxArrayId"/>, a code over <see cref="MaxNameBytes"/> bytes, a legacy column that is not text or
/// varchar) keeps the CASE forms.
/// </remarks>
public sealed class IdCodeSql
{
    /// <summary>The largest id the array form indexes; above it the array would be mostly empty.</summary>
    public const int MaxArrayId = 1024;

    /// <summary>The longest code a <c>name</c> holds without truncating it (NAMEDATALEN − 1).</summary>
    public const int MaxNameBytes = 63;

    private static readonly string[] IndexableIdTypes = ["smallint", "integer"];
    private static readonly string[] NameComparableTypes = ["text", "character varying"];

    private readonly IReadOnlyList<LookupCode> _codes;
    private readonly string _state;
    private readonly Dictionary<int, LookupCode>? _byId;
    private readonly bool _legacyIsText;

    private IdCodeSql(IReadOnlyList<LookupCode> codes, string state, Dictionary<int, LookupCode>? byId, bool legacyIsText)
    {
        _codes = codes;
        _state = state;
        _byId = byId;
        _legacyIsText = legacyIsText;
    }

    /// <summary>
    /// The forms for <paramref name="codes"/> (most frequent first), the id column expression <paramref name="state"/>
    /// of type <paramref name="stateType"/>, and a legacy value of type <paramref name="legacyType"/> (null: unknown).
    /// </summary>
    public static IdCodeSql For(IReadOnlyList<LookupCode> codes, string state, string? stateType, string? legacyType)
    {
        var legacyIsText = legacyType is not null && NameComparableTypes.Contains(legacyType);
        if (stateType is null || !IndexableIdTypes.Contains(stateType)) return new(codes, state, null, legacyIsText);
        var byId = new Dictionary<int, LookupCode>();
        foreach (var code in codes)
        {
            if (!int.TryParse(code.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1 || id > MaxArrayId || !byId.TryAdd(id, code))
                return new(codes, state, null, legacyIsText);
        }
        return new(codes, state, byId.Count == 0 ? null : byId, legacyIsText);
    }

    /// <summary>Whether the id indexes constant arrays (else CASE over the ids).</summary>
    public bool Indexed => _byId is not null;

    /// <summary>The code of the row's id as text; NULL for an id the lookup does not have.</summary>
    public string CodeOf => _byId is { } byId
        ? $"({ArrayOf(byId, c => Ident.Literal(c.Code))}::text[])[{_state}]"
        : $"(CASE {_state} {string.Join(" ", _codes.Select(c => $"WHEN {Ident.Literal(c.Id)} THEN {Ident.Literal(c.Code)}"))} END)";

    /// <summary>
    /// True when <paramref name="legacy"/> is exactly the code of the row's id and that code maps to itself; false or
    /// NULL otherwise (a row it does not settle needs the full mapping).
    /// </summary>
    public string IsSelfCode(string legacy)
    {
        var self = _codes.Where(c => c.SelfMapping).ToList();
        if (self.Count == 0) return "false";
        if (_byId is { } byId && _legacyIsText && self.All(c => Encoding.UTF8.GetByteCount(c.Code) <= MaxNameBytes))
            return $"({ArrayOf(byId, c => c.SelfMapping ? Ident.Literal(c.Code) : "NULL")}::name[])[{_state}] = ({legacy} COLLATE \"C\")";
        return $"(CASE {_state} {string.Join(" ", self.Select(c => $"WHEN {Ident.Literal(c.Id)} THEN {legacy} = {Ident.Literal(c.Code)}"))} ELSE false END)";
    }

    /// <summary><c>ARRAY[…]</c> with element i the code of id i (NULL where the lookup has no such id).</summary>
    private static string ArrayOf(Dictionary<int, LookupCode> byId, Func<LookupCode, string> element) =>
        $"ARRAY[{string.Join(", ", Enumerable.Range(1, byId.Keys.Max()).Select(id => byId.TryGetValue(id, out var code) ? element(code) : "NULL"))}]";
}
