console.log('concurrency-lab: not built yet');
