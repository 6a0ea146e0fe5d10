namespace Switchyard.Compat.Flags;

/// <summary>The current flags as this process knows them.</summary>
public interface ICompatFlags
{
    /// <summary>The cached flag, or <see cref="CompatFlag.Default"/> (all legacy) when the store has no row for the key.</summary>
    CompatFlag Current(string flagKey);

    /// <summary>Every flag the store held at the last load.</summary>
    IReadOnlyCollection<CompatFlag> All { get; }
}
