using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Places each device in one of 10,000 buckets per policy, so that a ring of p % holds the devices whose bucket is
/// below p × 100. SHA-256 of policy id + device id is stable across processes, restarts and machines
/// (string.GetHashCode is randomised per process) and salting with the policy id means the same devices are not always
/// the guinea pigs of every rollout.
/// </summary>
public static class RolloutBuckets
{
    public const int BucketCount = 10_000;

    public static int BucketOf(Guid policyId, Guid deviceId)
    {
        Span<byte> input = stackalloc byte[32];
        // Big-endian RFC 4122 bytes: the same on every platform, and the same as the canonical text form.
        policyId.TryWriteBytes(input[..16], bigEndian: true, out _);
        deviceId.TryWriteBytes(input[16..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var value = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (int)(value % BucketCount);
    }

    /// <summary>True when a device in <paramref name="bucket"/> belongs to a ring covering <paramref name="percent"/> % of devices.</summary>
    public static bool IsWithin(int bucket, decimal percent) => bucket < (int)Math.Round(percent * (BucketCount / 100m));

    public static bool IsInRing(Guid policyId, Guid deviceId, decimal percent) => IsWithin(BucketOf(policyId, deviceId), percent);
}
