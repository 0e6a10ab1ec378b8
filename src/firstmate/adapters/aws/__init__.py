"""What the AWS adapters share: clients on the standard credentials chain, and the resources'
shapes (table, buckets) that the SAM template, the preflight and the tests all agree on."""
