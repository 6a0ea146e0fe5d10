using Microsoft.Extensions.Logging;

namespace Switchyard.Compat.Flags;

internal static partial class FlagClientLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Flag {Flag} applied from {Source}")]
    public static partial void Applied(ILogger logger, CompatFlag flag, FlagSource source);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Flag listener failed; polling every {PollInterval} and reconnecting in {Delay}")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, TimeSpan pollInterval, TimeSpan delay);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Flag listener connected on channel {Channel}")]
    public static partial void ListenerConnected(ILogger logger, string channel);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Flag poll failed; keeping the cached flags")]
    public static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "switchyard.flags does not exist yet; every flag reads as legacy until the engine creates it")]
    public static partial void StoreMissing(ILogger logger);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Could not acknowledge flag versions in switchyard.compat_flag_acks; a rollback will wait for this client and refuse")]
    public static partial void AckFailed(ILogger logger, Exception exception);
}
