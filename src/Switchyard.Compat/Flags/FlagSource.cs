namespace Switchyard.Compat.Flags;

/// <summary>How a flag value reached this process's cache.</summary>
public enum FlagSource
{
    /// <summary>The load at start-up.</summary>
    Initial,
    /// <summary>A NOTIFY on the flags channel, then a read of the named key.</summary>
    Notification,
    /// <summary>A periodic poll (the fallback when notifications are missed or the listener is down).</summary>
    Poll,
    /// <summary>The full reload after the listener reconnected (notifications may have been missed meanwhile).</summary>
    Reconnect,
}
