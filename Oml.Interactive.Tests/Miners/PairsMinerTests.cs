using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>OML's <c>PairsMiner</c> (<c>oml/miners/pairs.py</c>): pairs taken apart from hard or all triplets, each unordered pair once.</summary>
public sealed class PairsMinerTests
{
    // points on a line: label 0 at 0, 1, 5; label 1 at 2, 3.5, 10 (no ties)
    private static readonly float[] Points = [0, 1, 5, 2, 3.5f, 10];
    private static readonly long[] Labels = [0, 0, 0, 1, 1, 1];

    private static Tensor Features() => tensor(Points, [6, 1]);

    [Fact]
    public void HardMiningPairsEachSampleWithItsFarthestPositiveAndNearestNegative()
    {
        using var features = Features();
        var pairs = new PairsMiner(hardMining: true).Mine(features, Labels);

        // farthest positives: 0-2, 1-2, 2-0, 3-5, 4-5, 5-3 -> unordered {0,2}, {1,2}, {3,5}, {4,5}
        // nearest negatives: 0-3, 1-3, 2-4, 3-1, 4-2, 5-2 -> unordered {0,3}, {1,3}, {2,4}, {2,5}
        Assert.Equal([(0, 2), (1, 2), (3, 5), (4, 5), (0, 3), (1, 3), (2, 4), (2, 5)], pairs.First.Zip(pairs.Second));
        Assert.Equal([false, false, false, false, true, true, true, true], pairs.IsNegative);
        Assert.Equal(4, pairs.NegativeCount);
    }

    [Fact]
    public void AllMiningGivesEveryPositiveAndEveryNegativePairOnce()
    {
        using var features = Features();
        var pairs = new PairsMiner(hardMining: false).Mine(features, Labels);

        // 2 labels x C(3, 2) positive pairs, 3 x 3 negative pairs
        Assert.Equal(6, pairs.Count - pairs.NegativeCount);
        Assert.Equal(9, pairs.NegativeCount);
        var unordered = pairs.First.Zip(pairs.Second).ToArray();
        Assert.Equal(unordered.Length, unordered.Distinct().Count());
        Assert.All(unordered, p => Assert.True(p.First < p.Second));
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(Labels[pairs.First[i]] != Labels[pairs.Second[i]], pairs.IsNegative[i]);
        }
    }

    [Fact]
    public void ASampleIsNeverPairedWithItself()
    {
        // every positive coincides with its anchor: the hard miner's farthest positive is the sample itself
        using var features = tensor(new float[] { 0, 0, 4, 4 }, [4, 1]);
        var pairs = new PairsMiner(hardMining: true).Mine(features, [0, 0, 1, 1]);

        Assert.DoesNotContain(pairs.First.Zip(pairs.Second), p => p.First == p.Second);
        Assert.All(pairs.First.Zip(pairs.Second, (a, b) => (a, b)).Where((_, i) => !pairs.IsNegative[i]), p => Assert.NotEqual(p.a, p.b));
    }
}
