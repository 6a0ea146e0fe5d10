using Switchyard.Samples.Ledger.App;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>One app instance of the fleet and its share of the traffic (weights are relative; zero takes none).</summary>
public sealed record FleetMember(ILedgerApp App, double Weight);
