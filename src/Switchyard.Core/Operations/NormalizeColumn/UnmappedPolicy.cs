namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>What happens to a legacy value that maps to no lookup code.</summary>
public enum UnmappedAction
{
    /// <summary>Stop and report the values (the default: a ledger never guesses).</summary>
    Fail,
    /// <summary>Map to one named code (e.g. <c>unknown</c>).</summary>
    MapTo,
    /// <summary>Insert the normalized value into the lookup table as a new code.</summary>
    AddToLookup,
}

/// <summary>The spec's policy for unmapped values.</summary>
public sealed record UnmappedPolicy(UnmappedAction Action, string? MapToCode = null)
{
    public static readonly UnmappedPolicy Fail = new(UnmappedAction.Fail);

    public override string ToString() => Action switch
    {
        UnmappedAction.Fail => "fail",
        UnmappedAction.MapTo => $"map_to: {MapToCode}",
        UnmappedAction.AddToLookup => "add_to_lookup",
        _ => Action.ToString(),
    };
}
