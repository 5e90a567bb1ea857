using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class RingMembershipTests
{
    private static readonly Guid Policy = Guid.Parse("6f1c7a52-3c0e-4f0a-9d55-0b7d1e2a9c11");

    [Fact]
    public void A_device_lands_in_the_same_bucket_in_every_process()
    {
        // Pinned values: a change of hash input or byte order would silently reshuffle every running rollout.
        Assert.Equal(PinnedBucketOfDeviceOne, RolloutBuckets.BucketOf(Policy, Guid.Parse("00000000-0000-0000-0000-000000000001")));
        Assert.Equal(PinnedBucketOfDeviceTwo, RolloutBuckets.BucketOf(Policy, Guid.Parse("d3b07384-d9a0-4c9b-8f3e-2a1c5e7f9b10")));
    }

    // Computed outside .NET (Python hashlib over the RFC 4122 bytes of policy id then device id).
    private const int PinnedBucketOfDeviceOne = 3943;
    private const int PinnedBucketOfDeviceTwo = 3822;

    private static int ExpectedBucket(Guid policy, Guid device)
    {
        // Independent reference: hash the canonical hex text's bytes, not Guid.ToByteArray (which is little-endian in parts).
        var bytes = Convert.FromHexString(policy.ToString("N") + device.ToString("N"));
        var hash = System.Security.Cryptography.SHA256.HashData(bytes);
        ulong value = 0;
        for (var i = 0; i < 8; i++)
        {
            value = (value << 8) | hash[i];
        }

        return (int)(value % 10_000);
    }

    [Fact]
    public void Matches_the_reference_computation_for_many_devices()
    {
        var random = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            var device = new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16));
            Assert.Equal(ExpectedBucket(Policy, device), RolloutBuckets.BucketOf(Policy, device));
        }
    }

    [Fact]
    public void Rings_are_nested_so_a_promotion_never_drops_a_device()
    {
        var devices = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid()).ToList();
        decimal[] rings = [1m, 5m, 20m, 100m];
        for (var r = 1; r < rings.Length; r++)
        {
            var smaller = devices.Where(d => RolloutBuckets.IsInRing(Policy, d, rings[r - 1])).ToHashSet();
            var larger = devices.Where(d => RolloutBuckets.IsInRing(Policy, d, rings[r])).ToHashSet();
            Assert.True(smaller.IsSubsetOf(larger));
        }

        Assert.All(devices, d => Assert.True(RolloutBuckets.IsInRing(Policy, d, 100m)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public void A_ring_holds_about_its_share_of_devices(int percent)
    {
        var random = new Random(7);
        var devices = Enumerable.Range(0, 20_000).Select(_ => new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16)));
        var share = devices.Count(d => RolloutBuckets.IsInRing(Policy, d, percent)) / 20_000.0 * 100;
        Assert.InRange(share, percent * 0.8, percent * 1.2);
    }

    [Fact]
    public void Another_policy_picks_other_devices_first()
    {
        var other = Guid.Parse("0a9e1f4b-7d2c-4e58-b1f6-3c8d5a7e2b90");
        var devices = Enumerable.Range(0, 4000).Select(_ => Guid.NewGuid()).ToList();
        var first = devices.Where(d => RolloutBuckets.IsInRing(Policy, d, 5m)).ToHashSet();
        var second = devices.Where(d => RolloutBuckets.IsInRing(other, d, 5m)).ToHashSet();
        first.IntersectWith(second);
        Assert.True(first.Count < second.Count / 2, "two policies should not share their first ring");
    }

    [Fact]
    public void Bucket_bounds_follow_the_percentage()
    {
        Assert.True(RolloutBuckets.IsWithin(0, 0.01m));
        Assert.False(RolloutBuckets.IsWithin(1, 0.01m));
        Assert.True(RolloutBuckets.IsWithin(499, 5m));
        Assert.False(RolloutBuckets.IsWithin(500, 5m));
        Assert.True(RolloutBuckets.IsWithin(9999, 100m));
        Assert.False(RolloutBuckets.IsWithin(0, 0m));
    }
}
