"""What goes on air: programmes, audio assets, topics, feeds; and the persistence foundation."""
