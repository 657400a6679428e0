using Oml.Benchmarks;

NativeAllocator.KeepFreedMemory();

switch (args.FirstOrDefault())
{
    case "decode":
        return DecodeBenchmark.Run(args.Skip(1).ToArray());
    case "retrieval":
        return RetrievalBenchmark.Run(args.Skip(1).ToArray());
    case "retrieval-worker": // one case of `retrieval`, started by it in a fresh process
        return RetrievalWorker.Run(args.Skip(1).ToArray());
    case "index-scale":
        return IndexScaleBenchmark.Run(args.Skip(1).ToArray());
    case "index-scale-worker": // one case of `index-scale`, started by it in a fresh process
        return IndexScaleWorker.Run(args.Skip(1).ToArray());
    case "validate-postprocess":
        return ValidatePostprocessBenchmark.Run(args.Skip(1).ToArray());
    case "train-step":
        return TrainStepBenchmark.Run(args.Skip(1).ToArray());
    case "train-step-worker": // one C# run of `train-step`, started by it in a fresh process
        return TrainStepBenchmark.Worker(args.Skip(1).ToArray());
    case "triplet-loss":
        return TripletLossFormsBenchmark.Run(args.Skip(1).ToArray());
    case "train-loop":
        return TrainLoopBenchmark.Run(args.Skip(1).ToArray());
    case "train-loop-worker": // one C# run of `train-loop`, started by it in a fresh process
        return TrainLoopBenchmark.Worker(args.Skip(1).ToArray());
    case "quality":
        return QualityBenchmark.Run(args.Skip(1).ToArray());
    case "rerank-quality":
        return RerankQualityBenchmark.Run(args.Skip(1).ToArray());
    case "rerank-cost":
        return RerankCostBenchmark.Run(args.Skip(1).ToArray());
    case "onnx-predict":
        return OnnxPredictBenchmark.Run(args.Skip(1).ToArray());
    case "onnx-predict-worker": // one engine at one size of `onnx-predict`, started by it in a fresh process
        return OnnxPredictBenchmark.Worker(args.Skip(1).ToArray());
    case "main-job":
        return MainJobBenchmark.Run(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Oml.Benchmarks -- decode [--repeats N] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- retrieval [--n 100000] [--dim 128] [--k 10] [--repeats 1] [--threads 2] [--no-python] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- index-scale [--gallery 1000000] [--queries 10000] [--dim 128] [--k 10] [--threads 2] [--latency-queries 1000] [--exact-latency-queries 300] [--expansion-search 16,32,64,128,256,512,1024] [--noise 1.3] [--connectivity 16] [--expansion-add 128] [--quantization f32] [--cache-dir DIR] [--no-cache] [--max-wait 60] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- validate-postprocess [--n 20000] [--dim 512] [--top-n 10] [--threshold-n 5000] [--repeats 5] [--threads 2] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- train-step [--rounds 3] [--steps 30] [--warmup 5] [--threads 2[,1]] [--margin 0.2|soft] [--triplet-form matrix|gather] [--allocator tcmalloc|glibc] [--no-python] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- triplet-loss [--labels 8] [--instances 8] [--dim 512] [--margin soft|0.2] [--steps 30] [--warmup 5] [--rounds 5] [--threads 2] [--full-step] [--full-steps 10] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- train-loop [--rounds 3] [--epochs 3] [--workers 2] [--threads 2] [--allocator tcmalloc|glibc] [--no-python] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- quality [--seeds 3] [--datasets mock,fashion-mnist] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- rerank-quality [--seeds 3] [--epochs 30] [--datasets mock,fashion-mnist] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- rerank-cost [--queries 16] [--top-n 3,5,10] [--batch-sizes 8,32,128] [--repeats 3] [--threads 2] [--no-decode] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- onnx-predict [--images 512] [--sizes 64,224] [--repeats 3] [--threads 2] [--batch 128] [--quick] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- main-job [--seeds 3] [--recipes main,scratch] [--threads 2] [--quick] [--no-results-file]");
        return 2;
}
