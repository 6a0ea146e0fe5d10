using System.Globalization;

namespace Switchyard.Core.Guards;

/// <summary>A database session as status lines name it.</summary>
public sealed record SessionInfo(int Pid, string ApplicationName, string State, double TransactionAgeSeconds, string Query)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"pid {Pid} ({(ApplicationName.Length > 0 ? ApplicationName : "no application_name")}, {State}, transaction open {TransactionAgeSeconds:F1}s): {Query}");
}
