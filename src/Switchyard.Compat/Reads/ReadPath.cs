using Switchyard.Compat.Flags;
using Switchyard.Compat.Rollout;

namespace Switchyard.Compat.Reads;

/// <summary>Which shape one read takes.</summary>
public enum ReadPath
{
    Legacy,
    /// <summary>Read both, compare, return legacy.</summary>
    Shadow,
    New,
}

/// <summary>Routes one read by the flag and the read's routing key (e.g. the account id).</summary>
public static class ReadRouting
{
    public static ReadPath Route(CompatFlag flag, string routingKey)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return flag.ReadMode switch
        {
            ReadMode.Legacy => ReadPath.Legacy,
            ReadMode.Shadow => ReadPath.Shadow,
            ReadMode.New => StickyRollout.Includes(flag.FlagKey, routingKey, flag.ReadPercent) ? ReadPath.New : ReadPath.Legacy,
            ReadMode.NewOnly => ReadPath.New,
            _ => ReadPath.Legacy,
        };
    }
}
