"""Recurrent layers and sequence wrappers (as keras/src/layers/rnn)."""
