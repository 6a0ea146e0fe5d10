namespace Switchyard.Core.Guards.Slo;

/// <summary>The foreground latency cannot be measured now (e.g. no application published any): the controller pauses.</summary>
public sealed class LatencyUnavailableException(string message) : Exception(message);
