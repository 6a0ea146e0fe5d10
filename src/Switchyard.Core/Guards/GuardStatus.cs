namespace Switchyard.Core.Guards;

/// <summary>What <c>switchyard status</c> and <c>watch</c> show about the guards.</summary>
/// <param name="Now">Every signal's value and verdict, read just now, and what the guards would decide.</param>
/// <param name="LastDecision">The newest guard decision journaled by a running migration; null when none.</param>
public sealed record GuardStatus(GuardSnapshot Now, JournaledDecision? LastDecision);

/// <summary>A guard event from <c>switchyard.events</c>.</summary>
public sealed record JournaledDecision(DateTimeOffset At, string Message, string? Action, string ApplicationName);
