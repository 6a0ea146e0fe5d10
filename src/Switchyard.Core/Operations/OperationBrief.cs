namespace Switchyard.Core.Operations;

/// <summary>
/// What one operation does, in the words a runbook's readers sign: the schema change and when it happens
/// (<see cref="Change"/>), and what it means for the application versions running through it (<see cref="Applications"/>).
/// </summary>
public sealed record OperationBrief(string Change, string Applications);

/// <summary>One operation of a plan as the runbook lists it: its kind, its table and its brief.</summary>
public sealed record PlannedOperation(string Kind, string? Table, OperationBrief Brief);
