using Suite.Tokenizer.Bench;

if (args.Length > 0 && args[0] == "--load-probe")
{
    LoadProbe.Run(args[1]);
    return 0;
}

return BenchRunner.Run(args);
