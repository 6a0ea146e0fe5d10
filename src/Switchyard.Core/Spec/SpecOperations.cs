using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Spec;

/// <summary>One operation of a migration spec; <see cref="Location"/> points at it in the file for errors.</summary>
public abstract record SpecOperation
{
    public SpecLocation Location { get; init; } = SpecLocation.InCode;

    /// <summary>Locations of individual fields (e.g. <c>table</c>, <c>column</c>), for errors that point at a field.</summary>
    public IReadOnlyDictionary<string, SpecLocation> FieldLocations { get; init; } = new Dictionary<string, SpecLocation>();

    /// <summary>The operation's name in YAML, e.g. <c>normalize_column</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The change and what it means for the application versions, for the runbook.</summary>
    public abstract OperationBrief Brief { get; }

    /// <summary>The operation on one line, for plan listings (e.g. <c>ef plan</c>); the brief's change unless it says it shorter.</summary>
    public virtual string Summary => Brief.Change;

    /// <summary>The table the operation works on (the migration is journaled under the first one), or null (author SQL without a declared lock).</summary>
    public abstract QualifiedName? WorksOn { get; }

    public SpecLocation At(string field) => FieldLocations.TryGetValue(field, out var l) ? l : Location;
}

/// <summary>A column definition for create_table / add_column.</summary>
public sealed record ColumnDefinition(string Name, string Type, bool Nullable = true, string? Default = null, bool PrimaryKey = false);
