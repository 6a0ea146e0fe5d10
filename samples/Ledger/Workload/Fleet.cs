using Switchyard.Samples.Ledger.App;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>An immutable snapshot of the fleet, with cumulative weights for a weighted pick.</summary>
internal sealed class Fleet
{
    private readonly FleetMember[] _members;
    private readonly double[] _cumulative;

    private Fleet(FleetMember[] members)
    {
        _members = members;
        var sum = 0.0;
        _cumulative = [.. members.Select(m => sum += m.Weight)];
    }

    public static Fleet From(IEnumerable<FleetMember> fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var members = fleet.ToArray();
        if (members.Any(m => m is null || m.App is null))
            throw new Core.SwitchyardException("A fleet member has no app.", "Pass FleetMember(app, weight) with an ILedgerApp instance.");
        if (members.Any(m => m.Weight < 0 || double.IsNaN(m.Weight)))
            throw new Core.SwitchyardException("Fleet weights must be zero or more.", "Give each app instance a non-negative weight.");
        if (members.Sum(m => m.Weight) <= 0)
            throw new Core.SwitchyardException("The fleet has no app instance with a positive weight.", "Give at least one app instance a weight above zero.");
        return new Fleet(members);
    }

    public ILedgerApp Pick(Random random)
    {
        var roll = random.NextDouble() * _cumulative[^1];
        for (var i = 0; i < _members.Length; i++)
        {
            if (roll < _cumulative[i] && _members[i].Weight > 0) return _members[i].App;
        }
        return _members.Last(m => m.Weight > 0).App;
    }

    public override string ToString()
    {
        var total = _cumulative[^1];
        return string.Join(' ', _members.Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.App.Version}={100 * m.Weight / total:0.#}%")));
    }
}
