"""What a build publishes: sorted dumps, VoID, the store loaded from them."""
