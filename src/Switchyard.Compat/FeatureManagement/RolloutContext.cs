namespace Switchyard.Compat.FeatureManagement;

/// <summary>The app context for <c>IsEnabledAsync(name, context)</c>: the routing key the percentage rollout is sticky on (e.g. the account id).</summary>
public sealed record RolloutContext(string RoutingKey);
