namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>Distinct unmapped values found, with where to look.</summary>
public sealed record UnmappedReport(string Table, string Column, IReadOnlyList<UnmappedValue> Values)
{
    public override string ToString() =>
        $"{Values.Count} unmapped value(s) in {Table}.{Column}: " +
        string.Join("; ", Values.Select(v => $"'{v.Value}' ×{v.Rows} (e.g. keys {string.Join(", ", v.SampleKeys)})"));
}

/// <summary>One legacy value (as stored) that maps to no code.</summary>
public sealed record UnmappedValue(string Value, string NormalizedCode, long Rows, IReadOnlyList<long> SampleKeys);
