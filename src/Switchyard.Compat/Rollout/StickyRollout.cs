using System.Text;

namespace Switchyard.Compat.Rollout;

/// <summary>
/// Percentage rollout that is sticky per routing key: a key's bucket depends only on (flag key, routing key), and a
/// key is in at N% when its bucket is below N × 100. So a key in at N stays in at every M &gt; N, and a customer
/// never flips back and forth while the share grows.
/// </summary>
public static class StickyRollout
{
    /// <summary>Buckets per 100%: 0.01 percentage-point resolution.</summary>
    public const int Buckets = 10_000;

    /// <summary>The key's bucket in [0, <see cref="Buckets"/>): FNV-1a over UTF-8, then a 64-bit finalizer for avalanche.</summary>
    public static int Bucket(string flagKey, string routingKey)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        ArgumentNullException.ThrowIfNull(routingKey);
        // The flag key salts the hash: different migrations pick independent cohorts.
        var hash = 14695981039346656037UL;
        hash = Fnv(hash, flagKey);
        hash = (hash ^ 0x1F) * 1099511628211UL;
        hash = Fnv(hash, routingKey);
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return (int)(hash % Buckets);
    }

    /// <summary>True when the key reads the new shape at <paramref name="percent"/>% (0..100).</summary>
    public static bool Includes(string flagKey, string routingKey, int percent) =>
        percent >= 100 || (percent > 0 && Bucket(flagKey, routingKey) < percent * (Buckets / 100));

    private static ulong Fnv(ulong hash, string value)
    {
        Span<byte> buffer = value.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        foreach (var b in buffer[..length])
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
