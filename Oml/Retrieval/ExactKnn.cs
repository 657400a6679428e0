using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>
/// Exact k nearest gallery items of every query, streamed: the gallery is walked in chunks for each chunk of queries,
/// one reused buffer receives the chunk's dot products (a matrix product, the only O(Q*G*D) work), and a vectorised
/// pass turns them into distances and keeps a running top-k per query. Memory is O(Q*k) plus the buffer; no Q x G
/// matrix is ever built. Results are exact and deterministic: ordered by distance (compared as squared distance,
/// before the square root, so two items whose roots round to the same float keep their true order), equal
/// distances by gallery position; excluded pairs (the query's own row, its sequence) are never returned.
/// </summary>
public static class ExactKnn
{
    public static KnnResult Search(
        Tensor queries,
        Tensor gallery,
        int k,
        DistanceKind distance = DistanceKind.Euclidean,
        RetrievalExclusions? exclusions = null,
        KnnOptions? options = null,
        IDistanceObserver? observer = null)
    {
        options ??= KnnOptions.Default;
        Validate(queries, gallery, k, options);
        using (NewDisposeScope())
        {
            // one set of rows searched against itself (the "1 vs rest" protocol): prepared and normed once
            var same = SameRows(queries, gallery);
            var q = Prepare(queries, distance);
            var g = same ? q : Prepare(gallery, distance);
            var queryNorms = SquaredNorms(q);
            var galleryNorms = same ? queryNorms : SquaredNorms(g);
            // a NaN or infinite entry makes its row's squared norm NaN or infinite, so finite norms clear the inputs
            // without a pass over them; otherwise look for the entry (the norm may only have overflowed)
            if (!AllFinite(queryNorms)) CheckFinite("query", queries);
            if (!AllFinite(galleryNorms)) CheckFinite("gallery", gallery);
            return Scan(q, queryNorms, g, galleryNorms, k, distance, exclusions, options, observer);
        }
    }

    /// <summary>The gallery prepared once for many searches (see <see cref="PreparedGallery"/>).</summary>
    public static PreparedGallery PrepareGallery(Tensor gallery, DistanceKind distance = DistanceKind.Euclidean)
    {
        if (gallery.dim() != 2) throw new OmlException($"a gallery must be an [N, D] matrix, got [{string.Join(", ", gallery.shape)}]");
        if (gallery.device_type != DeviceType.CPU) throw new ArgumentException("ExactKnn works on CPU tensors; move embeddings to the CPU first");
        using var scope = NewDisposeScope();
        var rows = Prepare(gallery, distance);
        var norms = SquaredNorms(rows);
        if (!AllFinite(norms)) CheckFinite("gallery", gallery);
        return new PreparedGallery(rows.MoveToOuterDisposeScope(), norms, distance);
    }

    /// <summary>
    /// <see cref="Search(Tensor, Tensor, int, DistanceKind, RetrievalExclusions?, KnnOptions?, IDistanceObserver?)"/>
    /// against a gallery prepared once: the same results, floats included.
    /// </summary>
    public static KnnResult Search(
        Tensor queries,
        PreparedGallery gallery,
        int k,
        RetrievalExclusions? exclusions = null,
        KnnOptions? options = null,
        IDistanceObserver? observer = null)
    {
        options ??= KnnOptions.Default;
        Validate(queries, gallery.Rows, k, options);
        using (NewDisposeScope())
        {
            var q = Prepare(queries, gallery.Distance);
            var queryNorms = SquaredNorms(q);
            if (!AllFinite(queryNorms)) CheckFinite("query", queries);
            return Scan(q, queryNorms, gallery.Rows, gallery.SquaredNorms, k, gallery.Distance, exclusions, options, observer);
        }
    }

    private static KnnResult Scan(
        Tensor q,
        float[] queryNorms,
        Tensor g,
        float[] galleryNorms,
        int k,
        DistanceKind distance,
        RetrievalExclusions? exclusions,
        KnnOptions options,
        IDistanceObserver? observer)
    {
        var queryCount = (int)q.shape[0];
        var galleryCount = (int)g.shape[0];
        k = Math.Min(k, Math.Max(galleryCount, 1));
        var heaps = new TopKHeaps(queryCount, k);
        var queryChunk = Math.Min(options.QueryChunk, Math.Max(queryCount, 1));
        var galleryChunk = Math.Min(options.GalleryChunk, Math.Max(galleryCount, 1));
        using var buffer = empty([(long)queryChunk * galleryChunk], ScalarType.Float32);
        var bufferAddress = Address(buffer);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads ?? Environment.ProcessorCount };
        using var keyBuffers = new ThreadLocal<float[]>(() => new float[galleryChunk]);
        using var distanceBuffers = new ThreadLocal<float[]>(() => new float[galleryChunk]);

        for (var qs = 0; qs < queryCount; qs += queryChunk)
        {
            var rows = Math.Min(queryChunk, queryCount - qs);
            using var queryBlock = q.narrow(0, qs, rows);
            for (var gs = 0; gs < galleryCount; gs += galleryChunk)
            {
                var cols = Math.Min(galleryChunk, galleryCount - gs);
                using (var block = buffer.narrow(0, 0, (long)rows * cols).view(rows, cols))
                using (var galleryBlock = g.narrow(0, gs, cols))
                using (var galleryBlockT = galleryBlock.t())
                {
                    block.addmm_(queryBlock, galleryBlockT, beta: 0, alpha: 1);
                }
                var chunk = new ChunkScan(bufferAddress, qs, gs, cols, distance, queryNorms, galleryNorms, heaps, exclusions, observer);
                chunk.ScanRows(rows, parallel, keyBuffers, distanceBuffers);
            }
        }
        return heaps.ToResult(squareRoot: distance == DistanceKind.Euclidean);
    }

    /// <summary>
    /// float32, contiguous, CPU, starting on a 64-byte boundary; L2-normalised for cosine.
    /// The matrix product's last bits depend on where its operands start: a block starting 4 bytes off a 16-byte
    /// boundary sums in another order than the same block aligned (51 of a 7 x 33 block's 231 products differed in
    /// their last bit). Tensors made from a .NET array share the array's memory, which the runtime aligns to 8 bytes only, so
    /// one search run twice on equal inputs could differ in the 7th digit. Starting every prepared matrix on a
    /// 64-byte boundary (LibTorch's own allocations do) makes each block's alignment a function of the chunk
    /// position and the width alone, so equal inputs and options give equal floats.
    /// </summary>
    internal static Tensor Prepare(Tensor embeddings, DistanceKind distance)
    {
        var x = embeddings.to(ScalarType.Float32).contiguous();
        if (distance == DistanceKind.Cosine)
        {
            x = x / x.norm(1, keepdim: true).clamp_min(1e-12);
        }
        x = x.contiguous();
        return x.NumberOfElements > 0 && Address(x) % 64 != 0 ? x.clone() : x;
    }

    private static void Validate(Tensor queries, Tensor gallery, int k, KnnOptions options)
    {
        if (queries.dim() != 2 || gallery.dim() != 2 || queries.shape[1] != gallery.shape[1])
        {
            throw new OmlException($"embeddings must be [N, D] matrices of one width: queries are [{string.Join(", ", queries.shape)}], galleries [{string.Join(", ", gallery.shape)}]");
        }
        if (queries.device_type != DeviceType.CPU || gallery.device_type != DeviceType.CPU)
        {
            throw new ArgumentException("ExactKnn works on CPU tensors; move embeddings to the CPU first");
        }
        if (k < 1) throw new OmlException($"the number of neighbours must be at least 1, got {k}");
        if (options.QueryChunk < 1 || options.GalleryChunk < 1) throw new ArgumentException("chunk sizes must be positive");
    }

    /// <summary>Throws when an embedding is NaN or infinite, naming the first such row.</summary>
    /// <summary>Throws when an embedding of <paramref name="x"/> (the <paramref name="name"/> side) is NaN or infinite, naming the first such row.</summary>
    private static void CheckFinite(string name, Tensor x)
    {
        using var finite = isfinite(x).all(1);
        if (!finite.all().item<bool>())
        {
            using var bad = finite.logical_not().nonzero();
            throw new OmlException($"the {name} embeddings contain NaN or infinite values (first at {name} {bad[0][0].item<long>()}); fix the model or the file before validation");
        }
    }

    private static float[] SquaredNorms(Tensor x)
    {
        using var squared = x.square();
        using var sums = squared.sum(1);
        return sums.data<float>().ToArray();
    }

    private static bool AllFinite(float[] values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) return false;
        }
        return true;
    }

    /// <summary>Whether both tensors are the same contiguous rows in memory (e.g. two aliases of one embeddings matrix).</summary>
    private static bool SameRows(Tensor queries, Tensor gallery) =>
        queries.dtype == gallery.dtype
        && queries.shape.SequenceEqual(gallery.shape)
        && queries.is_contiguous() && gallery.is_contiguous()
        && queries.NumberOfElements > 0
        && Address(queries) == Address(gallery);

    private static unsafe IntPtr Address(Tensor contiguous) =>
        (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(contiguous.bytes));

    /// <summary>One (query chunk x gallery chunk) block: distances of a row, then the running top-k of its query.</summary>
    private sealed class ChunkScan(
        IntPtr buffer,
        int queryStart,
        int galleryStart,
        int columns,
        DistanceKind distance,
        float[] queryNorms,
        float[] galleryNorms,
        TopKHeaps heaps,
        RetrievalExclusions? exclusions,
        IDistanceObserver? observer)
    {
        /// <summary>
        /// Ranks by a key that orders like the distance without its square root (squared distance, or 1 - cos), so
        /// the root is taken only for the k kept items. Without an observer the keys are never stored: they are
        /// computed in registers, in the same arithmetic as <see cref="ToKeys"/> (so the same floats), four vectors
        /// at a time, and compared with the query's current k-th key; only a vector with an item that can enter goes
        /// to the heap. The test of the four vectors leaves out the clamp at 0: a key below 0 is below every limit
        /// (limits are keys, so at least 0), so the test decides the same.
        /// The scan methods are compiled fully optimised on first use: with tiered compilation their first
        /// unoptimised version ran the first 10-15 blocks of a search 3-10x slower (0.15-0.25 s at Q = G = 30 000).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void ScanRow(int row)
        {
            var query = queryStart + row;
            var dots = (float*)buffer + (long)row * columns;
            var worst = heaps.Worst(query);
            var limit = new Vector<float>(worst);
            var width = Vector<float>.Count;
            var step = 4 * width;
            var j = 0;
            if (distance == DistanceKind.Cosine)
            {
                var one = Vector<float>.One;
                for (; j <= columns - step; j += step)
                {
                    var k0 = one - Vector.Load(dots + j);
                    var k1 = one - Vector.Load(dots + j + width);
                    var k2 = one - Vector.Load(dots + j + 2 * width);
                    var k3 = one - Vector.Load(dots + j + 3 * width);
                    if ((Vector.LessThanOrEqual(k0, limit) | Vector.LessThanOrEqual(k1, limit) | Vector.LessThanOrEqual(k2, limit) | Vector.LessThanOrEqual(k3, limit)) == Vector<int>.Zero) continue;
                    worst = OfferVector(query, j, Vector.Max(k0, Vector<float>.Zero), worst);
                    worst = OfferVector(query, j + width, Vector.Max(k1, Vector<float>.Zero), worst);
                    worst = OfferVector(query, j + 2 * width, Vector.Max(k2, Vector<float>.Zero), worst);
                    worst = OfferVector(query, j + 3 * width, Vector.Max(k3, Vector<float>.Zero), worst);
                    limit = new Vector<float>(worst);
                }
                for (; j <= columns - width; j += width)
                {
                    worst = OfferVector(query, j, Vector.Max(one - Vector.Load(dots + j), Vector<float>.Zero), worst);
                }
                for (; j < columns; j++)
                {
                    var key = MathF.Max(1f - dots[j], 0f);
                    if (key <= worst) worst = Offer(query, galleryStart + j, key);
                }
                return;
            }
            var queryNorm = queryNorms[query];
            var qn = new Vector<float>(queryNorm);
            var two = new Vector<float>(2f);
            fixed (float* allNorms = galleryNorms)
            {
                var norms = allNorms + galleryStart;
                for (; j <= columns - step; j += step)
                {
                    var k0 = qn + Vector.Load(norms + j) - two * Vector.Load(dots + j);
                    var k1 = qn + Vector.Load(norms + j + width) - two * Vector.Load(dots + j + width);
                    var k2 = qn + Vector.Load(norms + j + 2 * width) - two * Vector.Load(dots + j + 2 * width);
                    var k3 = qn + Vector.Load(norms + j + 3 * width) - two * Vector.Load(dots + j + 3 * width);
                    if ((Vector.LessThanOrEqual(k0, limit) | Vector.LessThanOrEqual(k1, limit) | Vector.LessThanOrEqual(k2, limit) | Vector.LessThanOrEqual(k3, limit)) == Vector<int>.Zero) continue;
                    worst = OfferVector(query, j, Vector.Max(k0, Vector<float>.Zero), worst);
                    worst = OfferVector(query, j + width, Vector.Max(k1, Vector<float>.Zero), worst);
                    worst = OfferVector(query, j + 2 * width, Vector.Max(k2, Vector<float>.Zero), worst);
                    worst = OfferVector(query, j + 3 * width, Vector.Max(k3, Vector<float>.Zero), worst);
                    limit = new Vector<float>(worst);
                }
                for (; j <= columns - width; j += width)
                {
                    worst = OfferVector(query, j, Vector.Max(qn + Vector.Load(norms + j) - two * Vector.Load(dots + j), Vector<float>.Zero), worst);
                }
                for (; j < columns; j++)
                {
                    var key = MathF.Max(queryNorm + norms[j] - 2f * dots[j], 0f);
                    if (key <= worst) worst = Offer(query, galleryStart + j, key);
                }
            }
        }

        /// <summary>Every row of the block, on the threads of <paramref name="parallel"/>; one row (a single query) on the calling thread.</summary>
        public void ScanRows(int rows, ParallelOptions parallel, ThreadLocal<float[]> keyBuffers, ThreadLocal<float[]> distanceBuffers)
        {
            if (observer is null)
            {
                if (rows == 1) ScanRow(0);
                else Parallel.For(0, rows, parallel, ScanRow);
            }
            else if (rows == 1) ScanRowObserved(0, keyBuffers.Value!, distanceBuffers.Value!);
            else Parallel.For(0, rows, parallel, row => ScanRowObserved(row, keyBuffers.Value!, distanceBuffers.Value!));
        }

        /// <summary>Offers the items of one vector of keys (items j.. of the chunk) that can enter, in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private float OfferVector(int query, int j, Vector<float> keys, float worst)
        {
            if (!Vector.LessThanOrEqualAny(keys, new Vector<float>(worst))) return worst;
            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                if (keys[lane] <= worst) worst = Offer(query, galleryStart + j + lane, keys[lane]);
            }
            return worst;
        }

        /// <summary>
        /// <see cref="ScanRow(int)"/> with an observer: the row's keys are written out, turned into distances for the
        /// observer, then selected from.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void ScanRowObserved(int row, float[] keysBuffer, float[] distancesBuffer)
        {
            var query = queryStart + row;
            var dots = new ReadOnlySpan<float>((float*)buffer + (long)row * columns, columns);
            var keys = keysBuffer.AsSpan(0, columns);
            ToKeys(dots, galleryNorms.AsSpan(galleryStart, columns), queryNorms[query], keys);
            if (distance == DistanceKind.Euclidean)
            {
                var d = distancesBuffer.AsSpan(0, columns);
                SquareRoot(keys, d);
                observer!.Observe(query, galleryStart, d);
            }
            else
            {
                observer!.Observe(query, galleryStart, keys);
            }

            var worst = heaps.Worst(query);
            var width = Vector<float>.Count;
            var j = 0;
            for (; j <= columns - width; j += width)
            {
                var v = new Vector<float>(keys.Slice(j, width));
                if (!Vector.LessThanOrEqualAny(v, new Vector<float>(worst))) continue;
                for (var lane = 0; lane < width; lane++)
                {
                    if (keys[j + lane] <= worst) worst = Offer(query, galleryStart + j + lane, keys[j + lane]);
                }
            }
            for (; j < columns; j++)
            {
                if (keys[j] <= worst) worst = Offer(query, galleryStart + j, keys[j]);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private float Offer(int query, int galleryPosition, float key)
        {
            if (exclusions is null || !exclusions.IsExcluded(query, galleryPosition)) heaps.Offer(query, galleryPosition, key);
            return heaps.Worst(query);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void SquareRoot(ReadOnlySpan<float> squared, Span<float> d)
        {
            var width = Vector<float>.Count;
            var j = 0;
            for (; j <= squared.Length - width; j += width) Vector.SquareRoot(new Vector<float>(squared.Slice(j, width))).CopyTo(d.Slice(j, width));
            for (; j < squared.Length; j++) d[j] = MathF.Sqrt(squared[j]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ToKeys(ReadOnlySpan<float> dots, ReadOnlySpan<float> norms, float queryNorm, Span<float> keys)
        {
            var width = Vector<float>.Count;
            var j = 0;
            if (distance == DistanceKind.Cosine)
            {
                for (; j <= dots.Length - width; j += width)
                {
                    Vector.Max(Vector<float>.One - new Vector<float>(dots.Slice(j, width)), Vector<float>.Zero).CopyTo(keys.Slice(j, width));
                }
                for (; j < dots.Length; j++) keys[j] = MathF.Max(1f - dots[j], 0f);
                return;
            }
            var qn = new Vector<float>(queryNorm);
            var two = new Vector<float>(2f);
            for (; j <= dots.Length - width; j += width)
            {
                Vector.Max(qn + new Vector<float>(norms.Slice(j, width)) - two * new Vector<float>(dots.Slice(j, width)), Vector<float>.Zero).CopyTo(keys.Slice(j, width));
            }
            for (; j < dots.Length; j++) keys[j] = MathF.Max(queryNorm + norms[j] - 2f * dots[j], 0f);
        }
    }
}
